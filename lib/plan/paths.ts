/**
 * JSON Pointers (as the validator reports locations: `#/properties/a~1b`) and the JSON
 * paths people read (`$.properties["a/b"]`).
 */

/** The segments of a `#/…` pointer; the validator URI-encodes them, and `#` as %23. */
export function pointerSegments(pointer: string): string[] {
  const body = pointer.replace(/^#/, '');
  if (body === '') return [];
  return body.slice(1).split('/').map((segment) => {
    let text = segment;
    try {
      text = decodeURI(segment).replace(/%23/g, '#');
    } catch {
      // not URI-encoded after all: keep it as it is
    }
    return text.replace(/~1/g, '/').replace(/~0/g, '~');
  });
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `$`, then `.name` for identifier-like keys and `["…"]` (or `[0]` for indexes) otherwise. */
export function jsonPath(segments: readonly (string | number)[]): string {
  let path = '$';
  for (const segment of segments) {
    if (typeof segment === 'number' || /^\d+$/.test(segment)) path += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) path += `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/** The value at `segments` inside `root`, or undefined. */
export function valueAt(root: unknown, segments: readonly string[]): unknown {
  let value = root;
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** The value at a schema location, following local `$ref`s the validator went through. */
export function schemaAt(root: unknown, segments: readonly string[]): unknown {
  let value = root;
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null) return undefined;
    const object = value as Record<string, unknown>;
    if (segment === '$ref' && typeof object.$ref === 'string' && object.$ref.startsWith('#')) value = schemaAt(root, pointerSegments(object.$ref));
    else value = object[segment];
  }
  return value;
}

/** A short, readable form of a value for "what came". */
export function shortJson(value: unknown, max = 80): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
