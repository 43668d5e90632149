import fs from 'node:fs';

/** Why a file the command was given cannot be read, in words; null when it can. */
export function whyFileUnreadable(file: string): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : describe(error);
  }
  // A pipe is read like a file ("outcome-lens stories <(jq … export.json)"); a folder is not.
  if (stat.isDirectory()) return 'it is a folder, not a file';
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch (error) {
    return describe(error);
  }
  return null;
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (error as Error).message;
}
