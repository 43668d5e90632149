/**
 * Dates are typed and shown as the app stores them (2027-06-30), whatever the browser's locale: the format every
 * Atlaskit date picker of the app is given.
 */
export const DATE_FORMAT = 'YYYY-MM-DD';
