/**
 * The shop's catalogue: 200 products in 8 categories, generated the same way every time so
 * that catalog and inventory (separate databases) agree on ids without talking at start-up.
 */
export interface SeedProduct {
  id: string;
  sku: string;
  name: string;
  category: string;
  description: string;
  priceCents: number;
  initialStock: number;
}

const categories: Record<string, { code: string; nouns: string[] }> = {
  kitchen: { code: 'KIT', nouns: ['Kettle', 'Chef Knife', 'Cutting Board', 'Espresso Cup', 'Saucepan'] },
  outdoor: { code: 'OUT', nouns: ['Tent', 'Sleeping Bag', 'Head Torch', 'Water Bottle', 'Trekking Pole'] },
  books: { code: 'BOO', nouns: ['Novel', 'Cookbook', 'Field Guide', 'Atlas', 'Poetry Collection'] },
  electronics: { code: 'ELE', nouns: ['Headphones', 'USB Charger', 'Smart Speaker', 'Keyboard', 'Webcam'] },
  garden: { code: 'GAR', nouns: ['Watering Can', 'Pruning Shears', 'Seed Kit', 'Planter', 'Hose Reel'] },
  toys: { code: 'TOY', nouns: ['Puzzle', 'Building Blocks', 'Kite', 'Board Game', 'Plush Bear'] },
  clothing: { code: 'CLO', nouns: ['Rain Jacket', 'Wool Socks', 'T-Shirt', 'Beanie', 'Scarf'] },
  office: { code: 'OFF', nouns: ['Notebook', 'Fountain Pen', 'Desk Lamp', 'Stapler', 'Monitor Stand'] },
};

const adjectives = ['Classic', 'Compact', 'Deluxe', 'Eco', 'Nordic'];

export const categoryNames = Object.keys(categories);

export const seedProducts: readonly SeedProduct[] = (() => {
  const products: SeedProduct[] = [];
  let n = 0;
  for (const [category, { code, nouns }] of Object.entries(categories)) {
    for (let i = 0; i < 25; i++) {
      n++;
      const noun = nouns[i % nouns.length]!;
      const adjective = adjectives[Math.floor(i / nouns.length) % adjectives.length]!;
      const id = `p-${String(n).padStart(4, '0')}`;
      products.push({
        id,
        sku: `SKU-${code}-${String(i + 1).padStart(3, '0')}`,
        name: `${adjective} ${noun}`,
        category,
        description: `A ${adjective.toLowerCase()} ${noun.toLowerCase()} from our ${category} range.`,
        // 4.99 .. 249.99, varied but stable
        priceCents: 499 + ((n * 7919) % 24500),
        initialStock: 20 + ((n * 104729) % 180),
      });
    }
  }
  return products;
})();
