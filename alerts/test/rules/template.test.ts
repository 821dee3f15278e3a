import { describe, expect, it } from 'vitest';
import { compileTemplate, goFloat } from '../../src/rules/template.ts';

const render = (t: string, value: number, labels: Record<string, string> = { service: 'cart' }) => compileTemplate(t)({ labels, value });

describe('rule templates (Go text/template subset)', () => {
  it('expands $labels and $value like Prometheus', () => {
    expect(render('{{ $labels.service }} at {{ $value }}', 0.5)).toBe('cart at 0.5');
    expect(render('{{$labels.missing}}|', 1)).toBe('|');
    expect(render('{{ .Labels.service }} {{ .Value }}', 2)).toBe('cart 2');
  });

  it('formats floats as Go does', () => {
    expect(goFloat(1e6)).toBe('1e+06');
    expect(goFloat(123456)).toBe('123456');
    expect(goFloat(0.00001)).toBe('1e-05');
    expect(goFloat(Number.NaN)).toBe('NaN');
  });

  it('implements the humanize family and printf', () => {
    expect(render('{{ $value | humanizePercentage }}', 0.0909090909)).toBe('9.091%');
    expect(render('{{ $value | humanizeDuration }}', 2.425)).toBe('2.425s');
    expect(render('{{ $value | humanizeDuration }}', 0.5)).toBe('500ms');
    expect(render('{{ $value | humanizeDuration }}', 3723)).toBe('1h 2m 3s');
    expect(render('{{ $value | humanize }}', 1234567)).toBe('1.235M');
    expect(render('{{ humanize $value }}', 0.0123)).toBe('12.3m');
    expect(render('{{ printf "%.2f" $value }}', 3.14159)).toBe('3.14');
    expect(render('{{ $labels.service | toUpper }}', 0)).toBe('CART');
  });

  it('refuses unknown functions at compile time', () => {
    expect(() => compileTemplate('{{ $value | frobnicate }}')).toThrow(/unknown function "frobnicate"/);
    expect(() => compileTemplate('{{ $bogus }}')).toThrow(/unsupported operand/);
  });
});
