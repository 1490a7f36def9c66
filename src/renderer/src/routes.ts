/**
 * Every page of the app and its URL. One line per page: the pattern (see
 * lib/router.svelte.ts), the page component, its title, and whether it shows
 * in the navigation bar (with its `g`-shortcut key).
 */
import type { Component } from 'svelte';
import type { Match } from './lib/router.svelte';
import RunsPage from './pages/RunsPage.svelte';
import NewExperimentPage from './pages/NewExperimentPage.svelte';
import QueuePage from './pages/QueuePage.svelte';
import RunPage from './pages/RunPage.svelte';
import ComparePage from './pages/ComparePage.svelte';
import ResultsPage from './pages/ResultsPage.svelte';
import DatasetsPage from './pages/DatasetsPage.svelte';
import ReplayPage from './pages/ReplayPage.svelte';

export interface RouteDef {
  pattern: string;
  page: Component<{ match: Match }>;
  title: string;
  /** Key after `g` that opens the page, for pages in the navigation bar. */
  navKey?: string;
  /** Uses the whole window width: a table whose columns show as the window grows. */
  wide?: boolean;
}

export const ROUTES: readonly RouteDef[] = [
  { pattern: '/runs', page: RunsPage, title: 'Runs', navKey: 'r', wide: true },
  { pattern: '/new', page: NewExperimentPage, title: 'New experiment', navKey: 'n' },
  { pattern: '/queue', page: QueuePage, title: 'Queue', navKey: 'q' },
  { pattern: '/compare', page: ComparePage, title: 'Compare', navKey: 'c' },
  { pattern: '/results', page: ResultsPage, title: 'Results', navKey: 's' },
  { pattern: '/datasets', page: DatasetsPage, title: 'Datasets', navKey: 'd' },
  { pattern: '/runs/:id', page: RunPage, title: 'Run' },
  { pattern: '/replay', page: ReplayPage, title: 'Replay' },
];

export const HOME = '/runs';
