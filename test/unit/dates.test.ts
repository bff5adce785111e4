import { decidePostDate, parseDateField, readEpochComment, readFileNameDate } from '../../src/indexer/parse/dates.ts';

const TZ = 'Asia/Taipei';
const iso = (date: Date | undefined) => date?.toISOString();

describe('parseDateField', () => {
  it.each([
    ['2023-02-22T18:04:07.000Z', '2023-02-22T18:04:07.000Z'],
    ['2020-12-15T07:57:01Z', '2020-12-15T07:57:01.000Z'],
    ['2020-11-03T10:00:00+01:00', '2020-11-03T09:00:00.000Z'],
    ['2025-11-01 05:34:03.000000000 +00:00', '2025-11-01T05:34:03.000Z'],
    ['2025-11-02 11:02:17.000000000 +08:00', '2025-11-02T03:02:17.000Z'],
    ['2020-05-16', '2020-05-15T16:00:00.000Z'],
    ['2020-05-16 08:30', '2020-05-16T00:30:00.000Z'],
  ])('reads %s', (value, expected) => {
    expect(iso(parseDateField(value, TZ))).toBe(expected);
  });

  it.each(['2020-13-01', '2020-02-30', '2020-12-01T25:00:00Z', 'yesterday', '', '2020/12/01'])('rejects %s', (value) => {
    expect(parseDateField(value, TZ)).toBeUndefined();
  });

  it('reads offset-less times in the given zone', () => {
    expect(iso(parseDateField('2020-05-16', 'UTC'))).toBe('2020-05-16T00:00:00.000Z');
  });
});

describe('fallback sources', () => {
  it('reads the epoch comment of seed-family bodies', () => {
    expect(iso(readEpochComment('<!--1677089047000-->\n[t](u)'))).toBe('2023-02-22T18:04:07.000Z');
    expect(readEpochComment('<p>no comment</p>')).toBeUndefined();
  });

  it('reads the date prefix of file names', () => {
    expect(iso(readFileNameDate('2020-12-15-標題.md', TZ))).toBe('2020-12-14T16:00:00.000Z');
    expect(readFileNameDate('標題.md', TZ)).toBeUndefined();
  });
});

describe('decidePostDate', () => {
  it('trusts the front matter first', () => {
    const decided = decidePostDate({ field: '2023-02-22T18:04:07.000Z', body: '<!--1600000000000-->', fileName: '2023-02-22-x.md', timeZone: TZ });
    expect(decided).toMatchObject({ source: 'front-matter' });
    expect(decided?.fallbackReason).toBeUndefined();
  });

  it('falls back to the epoch comment when the date field is invalid', () => {
    const decided = decidePostDate({ field: 'not a date', body: '<!--1677089047000-->', fileName: '2023-02-22-x.md', timeZone: TZ });
    expect(decided).toMatchObject({ source: 'epoch-comment', fallbackReason: expect.stringContaining('not a valid date') });
  });

  it('distrusts a date field years away from the file-name date', () => {
    const decided = decidePostDate({ field: '2001-07-31T16:00:00.000Z', body: '<!--1677089047000-->', fileName: '2023-02-22-x.md', timeZone: TZ });
    expect(decided?.source).toBe('epoch-comment');
    expect(decided?.fallbackReason).toMatch(/days from the file-name date/);
  });

  it('falls back to the file name when nothing else is usable', () => {
    const decided = decidePostDate({ body: '<p>x</p>', fileName: '2020-12-15-x.md', timeZone: TZ });
    expect(decided).toMatchObject({ source: 'file-name', fallbackReason: 'no date field' });
  });

  it('gives up when there is no source at all', () => {
    expect(decidePostDate({ field: 'bad', body: '', fileName: 'x.md', timeZone: TZ })).toBeUndefined();
  });
});
