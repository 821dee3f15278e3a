// @shopscope/loadtest: load profiles (Artillery) and failure drills. This file only re-exports.
export { runLoad, runLoadUntil, artilleryScript, type LoadOptions, type LoadRun, type LoadRuns } from './load/run-load.ts';
export { profiles, profileNames, slo, ensureChecks, type Profile, type ProfileName } from './load/profiles.ts';
export { journeys, journeyNames, type JourneyName } from './load/journeys.ts';
export { summarize, type LoadSummary } from './load/summary.ts';
export { parseDrill, readDrillFile, DrillFileError, type Drill } from './drill/schema.ts';
export { loadDrills, drillNames, drillsDir } from './drill/catalog.ts';
export { journalPath, recordPendingRollback, rollBackLeftover } from './drill/rollback-journal.ts';
export { runDrill, type DrillOptions, type DrillResult } from './drill/runner.ts';
export { writeReport, summaryJson } from './drill/report.ts';
export { SlackSink, type SentMessage } from './drill/slack-sink.ts';
export { ensureDemo, type Demo } from './demo/demo.ts';
export { targetsFrom, type Targets } from './settings.ts';
export { reportDir } from './report-dir.ts';
