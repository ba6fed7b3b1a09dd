/**
 * Control characters (C0, DEL, C1) have no place in any text this API accepts: Postgres
 * refuses NUL outright (a 500 before this rule), and the others only hide things from the
 * people who read names, logs and tickets. They are refused once, at the edge: in the URL
 * (path and query) by a middleware, and in every JSON body by `validate`, for every schema.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is this module's purpose
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
/** The same characters percent-encoded in a URL (C1 as UTF-8: %C2%80..%C2%9F). */
const ENCODED_CONTROL = /%(?:[01][0-9A-F]|7F)|%C2%[89][0-9A-F]/i;

export function urlHasControlCharacter(url: string): boolean {
  return CONTROL.test(url) || ENCODED_CONTROL.test(url);
}

interface Visit {
  value: unknown;
  key: string;
  parent: Visit | undefined;
}

const pathOf = (visit: Visit | undefined): string => {
  const keys: string[] = [];
  for (let v = visit; v?.parent; v = v.parent) keys.unshift(v.key);
  return keys.join('.');
};

/**
 * The path (dot-joined) of the first string, or object key, holding a control character.
 * Iterative: a hostile body may nest thousands of levels deep.
 */
export function controlCharacterPath(value: unknown): string | undefined {
  const stack: Visit[] = [{ value, key: '', parent: undefined }];
  for (let visit = stack.pop(); visit; visit = stack.pop()) {
    const item = visit.value;
    if (typeof item === 'string') {
      if (CONTROL.test(item)) return pathOf(visit);
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, child] of Object.entries(item)) {
        const next = { value: child, key, parent: visit };
        if (CONTROL.test(key)) return pathOf(next);
        stack.push(next);
      }
    }
  }
  return undefined;
}
