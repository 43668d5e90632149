/**
 * The Shipped versus moved dashboard gadget. Jira renders the same resource twice: the view, and the edit view
 * (the context's `extension.entryPoint` is 'edit') where a lead picks projects; `view.submit` hands the choice
 * to Jira, which keeps it as the gadget's configuration and gives it back as `extension.gadgetConfiguration`.
 */
import Button from '@atlaskit/button/new';
import EmptyState from '@atlaskit/empty-state';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import Tabs, { Tab, TabList, TabPanel } from '@atlaskit/tabs';
import { useCallback, useEffect, useRef, useState } from 'react';
import { getContext } from '../../../node_modules/@forge/bridge/out/view/getContext';
import { submit } from '../../../node_modules/@forge/bridge/out/view/submit';
import {
  GADGET_MONTHS,
  GADGET_RESOLVERS as G,
  MAX_GADGET_PROJECTS,
  readGadgetConfig,
  type GadgetConfig,
  type GadgetProjectsData,
  type GadgetViewData,
} from '../../../src/contract/shipped';
import { callResolver, personDecimalMark, rememberSiteUrl } from '../../shared/bridge';
import { localToday } from '../../shared/date-format';
import { LoadError } from '../../shared/LoadError';
import { ShippedMovedView } from '../../shared/ShippedMoved';

interface GadgetContext {
  entryPoint: 'view' | 'edit';
  config: GadgetConfig | null;
}

async function readContext(): Promise<GadgetContext> {
  // The reader's decimal mark is asked with the context, so the view's first figures are written with it.
  const [full] = await Promise.all([getContext(), personDecimalMark()]);
  const context = full as { extension?: Record<string, unknown>; siteUrl?: unknown };
  rememberSiteUrl(context.siteUrl);
  const extension = context.extension ?? {};
  return {
    entryPoint: extension.entryPoint === 'edit' ? 'edit' : 'view',
    config: readGadgetConfig(extension.gadgetConfiguration),
  };
}

export function App() {
  const [context, setContext] = useState<GadgetContext | null>(null);
  const [contextError, setContextError] = useState(false);
  const load = useCallback(
    () =>
      readContext().then(
        (read) => {
          setContextError(false);
          setContext(read);
        },
        () => setContextError(true),
      ),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);
  if (contextError)
    return (
      <main className="ol-root ol-gadget">
        <LoadError
          title="Shipped versus moved could not load"
          message="Jira did not say which view of the gadget to show or how it is configured."
          onRetry={load}
        />
      </main>
    );
  if (!context)
    return (
      <main className="ol-root ol-gadget" aria-busy="true">
        <Spinner label="Loading" />
      </main>
    );
  return (
    <main className="ol-root ol-gadget">
      <h1 className="ol-sr-only">Shipped versus moved</h1>
      {context.entryPoint === 'edit' ? <Edit config={context.config} /> : <View config={context.config} />}
    </main>
  );
}

function View({ config }: { config: GadgetConfig | null }) {
  const [data, setData] = useState<GadgetViewData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState(0);
  const load = useCallback(async () => {
    if (!config) return;
    const answer = await callResolver<GadgetViewData>(G.view, { ...config, today: localToday() });
    if (!answer.ok) return setError(answer.error.message);
    setError(null);
    setData(answer.data);
  }, [config]);
  useEffect(() => {
    void load();
  }, [load]);
  if (!config)
    return (
      <EmptyState
        header="Pick the projects to show"
        description="Edit this gadget to choose one or more projects."
        headingLevel={2}
      />
    );
  if (error)
    return (
      <LoadError
        title="Shipped versus moved could not load"
        message={error}
        onRetry={load}
        testId="gadget-load-error"
      />
    );
  if (!data) return <Spinner label="Loading what was shipped" />;
  const hidden =
    data.hidden > 0 ? (
      <SectionMessage appearance="information" testId="gadget-hidden">
        <p>
          {data.hidden} of the projects this gadget shows {data.hidden === 1 ? 'is' : 'are'} not visible to
          you.
        </p>
      </SectionMessage>
    ) : null;
  if (data.projects.length === 0)
    return (
      <>
        {hidden}
        <EmptyState
          header="No project to show"
          description="You may not browse any project this gadget shows."
          headingLevel={2}
        />
      </>
    );
  if (data.projects.length === 1)
    return (
      <>
        {hidden}
        <ShippedMovedView data={data.projects[0]!} />
      </>
    );
  return (
    <>
      {hidden}
      <Tabs id="shipped-projects" selected={tab} onChange={setTab} shouldUnmountTabPanelOnChange>
        <TabList>
          {data.projects.map((p) => (
            <Tab key={p.projectKey} testId={`gadget-tab-${p.projectKey}`}>
              {p.projectName ?? p.projectKey}
            </Tab>
          ))}
        </TabList>
        {data.projects.map((p) => (
          <TabPanel key={p.projectKey}>
            <ShippedMovedView data={p} />
          </TabPanel>
        ))}
      </Tabs>
    </>
  );
}

type Option = { label: string; value: string };
const MONTHS: Array<{ label: string; value: number }> = GADGET_MONTHS.map((n) => ({
  label: `${n} months`,
  value: n,
}));

function Edit({ config }: { config: GadgetConfig | null }) {
  const [projects, setProjects] = useState<Option[] | null>(null);
  const [chosen, setChosen] = useState<string[]>(config?.projectKeys ?? []);
  const [months, setMonths] = useState(config?.months ?? 12);
  const [error, setError] = useState<string | null>(null);
  // A refusal of the projects chosen, said at their field.
  const [projectsError, setProjectsError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The resolver answers the first 50 projects the person may browse, or those matching what they type.
  const [query, setQuery] = useState('');
  const [names, setNames] = useState<Record<string, string>>({});
  const [listError, setListError] = useState<string | null>(null);
  const [searching, setSearching] = useState(false);
  const latestSearch = useRef(0);
  const search = useCallback(async (typed: string) => {
    const ask = ++latestSearch.current;
    setSearching(true);
    const answer = await callResolver<GadgetProjectsData>(G.projects, typed ? { query: typed } : {});
    // Answers come back in any order: a slow answer to what was typed before must not replace the list for
    // what is typed now.
    if (ask !== latestSearch.current) return;
    setSearching(false);
    if (!answer.ok) return setListError(answer.error.message);
    setListError(null);
    const found = answer.data.projects.map((p) => ({ label: `${p.name} (${p.key})`, value: p.key }));
    setProjects(found);
    setNames((known) => ({ ...known, ...Object.fromEntries(found.map((o) => [o.value, o.label])) }));
  }, []);
  useEffect(() => {
    const timer = setTimeout(() => void search(query), query ? 250 : 0);
    return () => clearTimeout(timer);
  }, [query, search]);
  if (!projects && !listError) return <Spinner label="Loading projects" />;
  const refuseProjects = (message: string) => {
    setProjectsError(message);
    document.getElementById('gadget-projects')?.focus();
  };
  const hand = async (chosenConfig: GadgetConfig) => {
    setBusy(true);
    try {
      await submit(chosenConfig);
    } catch {
      setError('Jira did not take the configuration. Try again.');
    }
    setBusy(false);
  };
  const save = async () => {
    if (chosen.length === 0) return refuseProjects('Pick at least one project.');
    if (chosen.length > MAX_GADGET_PROJECTS)
      return refuseProjects(`Pick at most ${MAX_GADGET_PROJECTS} projects.`);
    await hand({ projectKeys: chosen, months });
  };
  const options = projects ?? [];
  return (
    <form
      className="ol-gadget-form"
      aria-label="Configure Shipped versus moved"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      // Enter in a select picks an option when its list is open, and would otherwise submit the form: a keyboard
      // user reaching for the list saved half a configuration. Only Save saves.
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.target as HTMLElement).getAttribute('role') === 'combobox')
          e.preventDefault();
      }}
    >
      <h2 style={{ margin: 0 }}>Configure Shipped versus moved</h2>
      <label htmlFor="gadget-projects">Projects (up to {MAX_GADGET_PROJECTS})</label>
      <Select<Option, true>
        inputId="gadget-projects"
        isMulti
        isLoading={searching}
        options={options}
        value={chosen.map((key) => ({ value: key, label: names[key] ?? key }))}
        onInputChange={(typed, meta) => {
          if (meta.action === 'input-change') setQuery(typed.trim().slice(0, 100));
        }}
        onChange={(picked) => {
          setChosen(picked.map((p) => p.value));
          setProjectsError(null);
        }}
        placeholder="Choose projects"
        isInvalid={!!projectsError}
        aria-invalid={!!projectsError}
        {...(projectsError ? { 'aria-describedby': 'gadget-projects-error-message' } : {})}
      />
      {projectsError ? (
        <p id="gadget-projects-error-message" className="ol-error" role="alert">
          {projectsError}
        </p>
      ) : null}
      {listError ? (
        <LoadError
          title="Projects could not load"
          message={listError}
          onRetry={() => search(query)}
          testId="gadget-projects-error"
        />
      ) : null}
      <label htmlFor="gadget-months">Months shown</label>
      <Select<{ label: string; value: number }>
        inputId="gadget-months"
        options={MONTHS}
        value={MONTHS.find((m) => m.value === months) ?? null}
        onChange={(m) => m && setMonths(m.value)}
      />
      {error ? (
        <div role="alert">
          <SectionMessage appearance="error">
            <p>{error}</p>
          </SectionMessage>
        </div>
      ) : null}
      <div className="ol-gadget-actions">
        <Button type="submit" appearance="primary" isDisabled={busy}>
          Save
        </Button>
        {/* Jira leaves edit mode on a submitted configuration: Cancel hands back the saved one, unchanged. A gadget
            not yet configured has none to go back to. */}
        {config ? (
          <Button appearance="subtle" isDisabled={busy} onClick={() => void hand(config)}>
            Cancel
          </Button>
        ) : null}
      </div>
    </form>
  );
}
