import { compareCodeUnits } from '../../src/shared/code-unit-order.ts';

describe('compareCodeUnits', () => {
  it('orders strings by UTF-16 code units: capitals before small letters, a surrogate pair before U+FF5E', () => {
    expect(['～', '𝟘', '第', '~', 'a', 'Z'].sort(compareCodeUnits)).toEqual(['Z', 'a', '~', '第', '𝟘', '～']);
    expect(compareCodeUnits('第1篇.md', '第1篇.md')).toBe(0);
  });
});
