import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CATEGORY, MAX_EVENT_NAME_LENGTH, RESERVED_PROPERTY_NAMES, categoryProblem, eventNameProblem,
  isReservedPropertyName, typeName,
} from '../lib/event';

describe('eventNameProblem', () => {
  it.each([
    [undefined, 'undefined'],
    [null, 'null'],
    [42, 'number'],
    [{}, 'object'],
    [['a'], 'array'],
    [Symbol('x'), 'symbol'],
  ])('rejects a non-string (%s)', (value, type) => {
    expect(eventNameProblem(value)).toBe(`event name must be a string, got ${type}`);
  });

  it.each(['', ' ', '\t\n ', '\u00a0'])('rejects an empty or whitespace-only name %j', (name) => {
    expect(eventNameProblem(name)).toBe('event name must not be empty');
  });

  it('accepts names up to 255 characters', () => {
    expect(MAX_EVENT_NAME_LENGTH).toBe(255);
    expect(eventNameProblem('a')).toBeNull();
    expect(eventNameProblem('signup_completed')).toBeNull();
    expect(eventNameProblem('x'.repeat(255))).toBeNull();
  });

  it('rejects 256 characters and says how long it was', () => {
    expect(eventNameProblem('x'.repeat(256))).toBe('event name is 256 characters; the limit is 255');
  });

  it('does not reject lint-worthy names (click, Event, camelCase): those are warnings elsewhere', () => {
    for (const name of ['click', 'Event', 'agentRunCompleted', ' padded ']) expect(eventNameProblem(name)).toBeNull();
  });
});

describe('categoryProblem', () => {
  it('follows the event-name rules with its own wording', () => {
    expect(categoryProblem('commerce')).toBeNull();
    expect(categoryProblem('')).toBe('category must not be empty');
    expect(categoryProblem(7)).toBe('category must be a string, got number');
    expect(categoryProblem('c'.repeat(256))).toBe('category is 256 characters; the limit is 255');
    expect(DEFAULT_CATEGORY).toBe('custom');
  });
});

describe('reserved property names', () => {
  const documented = [
    'page', 'full_url', 'current_url', 'uri', 'referrer', 'user_agent', 'language', 'screen_width',
    'screen_height', 'viewport_width', 'viewport_height', 'dpi', 'timestamp', 'page_title', 'title', 'url', 'href',
  ];

  it('holds exactly the names in Trodo docs', () => {
    expect([...RESERVED_PROPERTY_NAMES].sort()).toEqual([...documented].sort());
  });

  it.each(documented)('%s is reserved in any case', (name) => {
    expect(isReservedPropertyName(name)).toBe(true);
    expect(isReservedPropertyName(name.toUpperCase())).toBe(true);
    expect(isReservedPropertyName(name[0]!.toUpperCase() + name.slice(1))).toBe(true);
  });

  it('does not reserve near misses', () => {
    for (const name of ['plan', 'urls', 'my_url', 'page_name', 'url ', 'Timestamp_ms', '']) {
      expect(isReservedPropertyName(name)).toBe(false);
    }
  });
});

describe('typeName', () => {
  it('tells null and arrays apart from objects', () => {
    expect(typeName(null)).toBe('null');
    expect(typeName([])).toBe('array');
    expect(typeName({})).toBe('object');
    expect(typeName(1n)).toBe('bigint');
  });
});
