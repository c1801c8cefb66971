// The Polls module's views, from the API types (client/schema.d.ts, generated from openapi/openapi.json).
import type { Schemas } from '../../client';

export type PollView = Schemas['site.exosphere.poll.defs.pollView'];
export type Tally = Schemas['site.exosphere.poll.defs.tally'];
export type Runoff = Schemas['site.exosphere.poll.defs.runoff'];
export type PollKind = 'single' | 'multiple' | 'ranked';
export type ResultsMode = 'always' | 'afterVote' | 'afterClose';
