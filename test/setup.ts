import '@testing-library/jest-dom/vitest';
import { configure } from '@testing-library/react';

// findBy… and waitFor give up after this long: a ceiling for a busy machine, not a speed limit (the
// default 1 s failed story-groups, list and share tests at load ~20 that pass at load 1).
configure({ asyncUtilTimeout: 5000 });
