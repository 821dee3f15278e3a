/**
 * Most distinct products one cart holds. Cart refuses the next one (`quantity_limit`) and
 * inventory reserves up to this many lines for one order, so every cart it accepts checks out.
 */
export const maxCartLines = 500;
