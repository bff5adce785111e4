import { parseFrontMatter, splitFrontMatter } from '../../src/indexer/parse/front-matter.ts';

function fields(yaml: string) {
  const result = parseFrontMatter(yaml);
  if ('error' in result) throw new Error(result.error);
  return result.fields;
}

describe('splitFrontMatter', () => {
  it('splits fenced YAML from the body and tells the body line', () => {
    const split = splitFrontMatter('---\ntitle: a\ndate: b\n---\n<p>x</p>\n');
    expect(split).toEqual({ yaml: 'title: a\ndate: b\n', body: '<p>x</p>\n', bodyLine: 5 });
  });

  it('accepts a byte-order mark and an empty body at end of file', () => {
    expect(splitFrontMatter('\uFEFF---\ntitle: a\n---')?.body).toBe('');
  });

  it('returns undefined without an opening or closing fence', () => {
    expect(splitFrontMatter('# heading\n')).toBeUndefined();
    expect(splitFrontMatter('---\ntitle: a\n')).toBeUndefined();
  });
});

describe('parseFrontMatter', () => {
  it('reads double-quoted titles with escaped quotes', () => {
    expect(fields('title: "他說\\"好\\""').text('title')).toBe('他說"好"');
  });

  it('keeps plain scalars as written, even when they look like numbers or dates', () => {
    const f = fields('title: 1.10\ndate: 2020-05-16\ncomments: True');
    expect(f.text('title')).toBe('1.10');
    expect(f.text('date')).toBe('2020-05-16');
    expect(f.text('comments')).toBe('True');
  });

  it('reads lists in flow style and single scalars alike', () => {
    expect(fields('tags: [ (臺)中央社CNA ]').list('tags')).toEqual(['(臺)中央社CNA']);
    expect(fields('categories: cna').list('categories')).toEqual(['cna']);
    expect(fields('tags: [ RTI 中央廣播電臺 ]').list('tags')).toEqual(['RTI 中央廣播電臺']);
  });

  it('reads block scalar titles', () => {
    expect(fields('title: |+\n  一行\n  兩行\n\ndate: x').text('title')).toBe('一行\n兩行\n\n');
  });

  it('reports invalid YAML with its line', () => {
    const result = parseFrontMatter('title: "unclosed\ndate: x\n');
    expect(result).toMatchObject({ error: expect.stringMatching(/line \d+/) });
  });

  it('refuses alias bombs', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(', ')}]`,
      ),
    ].join('\n');
    expect(parseFrontMatter(bomb)).toMatchObject({ error: expect.stringMatching(/alias/i) });
  });

  it('is not fooled by __proto__ keys', () => {
    const f = fields('__proto__: {polluted: yes}\ntitle: t');
    expect(f.text('title')).toBe('t');
    expect(f.has('__proto__')).toBe(true);
    expect(f.has('toString')).toBe(false);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('reads a few aliases, as references to their anchors', () => {
    const f = fields('author: &who 中央社記者\ntitle: *who\ntags: &t [a, b]\ncategories: *t');
    expect([f.text('title'), f.list('categories')]).toEqual(['中央社記者', ['a', 'b']]);
  });

  it('takes the last value of a key given twice, as Jekyll does', () => {
    expect(fields('title: first\ntitle: second').text('title')).toBe('second');
  });

  it('reads null, ~ and empty values as absent, but a quoted "null" as text', () => {
    const f = fields('title: null\nauthor: ~\nlink:\nfrom: "null"');
    expect([f.text('title'), f.text('author'), f.text('link'), f.text('from'), f.has('link')]).toEqual([undefined, undefined, undefined, 'null', true]);
  });

  it('accepts front matter of comments only, and refuses explicit tags it does not know', () => {
    expect(fields('# nothing here\n').has('title')).toBe(false);
    expect(parseFrontMatter('title: !!int 5')).toMatchObject({ error: expect.stringMatching(/^line 1: unknown tag/) });
    expect(parseFrontMatter('title: !custom x')).toMatchObject({ error: expect.stringContaining('unknown tag') });
  });

  it('refuses front matter that is not a mapping', () => {
    expect(parseFrontMatter('- a\n- b\n')).toMatchObject({ error: expect.stringContaining('mapping') });
  });

  it('refuses oversized front matter', () => {
    expect(parseFrontMatter(`title: "${'x'.repeat(70_000)}"`)).toMatchObject({ error: expect.stringContaining('larger than') });
  });
});
