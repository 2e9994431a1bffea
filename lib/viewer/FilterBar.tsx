import type { Filter, TextMatcher } from './filters';

interface Props {
  filter: Filter;
  onChange: (filter: Filter) => void;
  matcher: TextMatcher;
  origins: string[];
  categories: string[];
  /** Event names in history, most frequent first. */
  names: { name: string; count: number }[];
  hasTab: boolean;
  /** A plan is loaded: the "violations only" switch has a meaning. */
  hasPlan: boolean;
}

/** Search and filters over the event list. */
export function FilterBar({ filter, onChange, matcher, origins, categories, names, hasTab, hasPlan }: Props) {
  const set = <K extends keyof Filter>(key: K, value: Filter[K]) => onChange({ ...filter, [key]: value });
  return (
    <div class="filters" role="search">
      <input
        type="search"
        class={matcher.ok ? '' : 'invalid'}
        placeholder={filter.regex ? 'Regular expression over name and properties' : 'Search name and properties  ( / )'}
        aria-label="Search events"
        aria-invalid={!matcher.ok}
        title={matcher.ok ? undefined : matcher.error}
        data-testid="search"
        value={filter.text}
        onInput={(e) => set('text', (e.currentTarget as HTMLInputElement).value)}
      />
      <label class="toggle" title="Regular expression">
        <input type="checkbox" checked={filter.regex} data-testid="regex" onChange={(e) => set('regex', (e.currentTarget as HTMLInputElement).checked)} />
        .*
      </label>
      {hasTab && (
        <label class="toggle">
          <input type="checkbox" checked={filter.currentTab} data-testid="current-tab" onChange={(e) => set('currentTab', (e.currentTarget as HTMLInputElement).checked)} />
          This tab
        </label>
      )}
      {hasPlan && (
        <label class="toggle">
          <input type="checkbox" checked={filter.violations} data-testid="violations-only" onChange={(e) => set('violations', (e.currentTarget as HTMLInputElement).checked)} />
          Violations only
        </label>
      )}
      <Select label="Event" value={filter.name} options={names.map((n) => n.name)} labels={names.map((n) => `${n.name} (${n.count})`)} testId="filter-name" onChange={(v) => set('name', v)} />
      <Select label="Site" value={filter.origin} options={origins} testId="filter-origin" onChange={(v) => set('origin', v)} />
      <Select label="Category" value={filter.category} options={categories} testId="filter-category" onChange={(v) => set('category', v)} />
      <Select label="Type" value={filter.kind} options={['custom', 'auto']} testId="filter-kind" onChange={(v) => set('kind', v as Filter['kind'])} />
      <Select label="Source" value={filter.source} options={['browser', 'server']} testId="filter-source" onChange={(v) => set('source', v as Filter['source'])} />
      <Select label="Status" value={filter.status} options={['held', 'queued', 'retrying', 'sent', 'dropped']} testId="filter-status" onChange={(v) => set('status', v as Filter['status'])} />
    </div>
  );
}

function Select({ label, value, options, labels, onChange, testId }: { label: string; value: string; options: string[]; labels?: string[]; onChange: (v: string) => void; testId: string }) {
  return (
    <select aria-label={label} value={value} data-testid={testId} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}>
      <option value="">{`${label}: all`}</option>
      {options.map((o, i) => (
        <option key={o} value={o}>{labels?.[i] ?? o}</option>
      ))}
      {/* A value history no longer holds (trimmed or cleared) stays selectable until changed. */}
      {value && !options.includes(value) && <option value={value}>{value}</option>}
    </select>
  );
}
