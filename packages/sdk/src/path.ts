/**
 * Escapes an id for use as one path segment, so a crafted id cannot reach another route. `.` and `..`
 * are refused outright: URL parsers resolve them (even percent-encoded) as dot segments (WHATWG URL §4.4).
 */
export function segment(id: string): string {
  if (typeof id !== 'string' || id === '' || id === '.' || id === '..') {
    throw new TypeError(`Invalid id for a URL path: ${JSON.stringify(id)}`);
  }
  return encodeURIComponent(id);
}
