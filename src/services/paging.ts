/** Page tokens come back from the browser: one that Jira refuses is the caller's bad input, named as such. */
import { ValidationError } from '../errors';

export async function withPageToken<T>(
  pageToken: string | null | undefined,
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (e) {
    // Jira answers 400 to a token it did not give out (or one for another query); the adapter has no field for it.
    if (pageToken && e instanceof ValidationError && !e.fields)
      throw new ValidationError('This list changed since it was loaded: reload it.', {
        pageToken: 'Not a page this list gave out.',
      });
    throw e;
  }
}
