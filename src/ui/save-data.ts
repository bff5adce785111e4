/**
 * Whether the reader asked the browser to save data (Chrome's Data Saver, Android's data saver): then
 * nothing is fetched ahead of its use.
 */
export function readerSavesData(): boolean {
  return (navigator as Navigator & { connection?: { saveData?: boolean } }).connection?.saveData === true;
}
