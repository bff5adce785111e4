/** Where a build puts the posts' data and its report, inside the output folder (and the dev server serves them). */
export const DATA_DIR = 'data';
export const REPORT_FILE = 'ingest-report.json';
