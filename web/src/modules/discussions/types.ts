// The Discussions module's views, from the API types (client/schema.d.ts, generated from openapi/openapi.json).
import type { Schemas } from '../../client';

export type ThreadView = Schemas['site.exosphere.discussion.defs.threadView'];
export type ReplyView = Schemas['site.exosphere.discussion.defs.replyView'];
export type ReactionCount = Schemas['site.exosphere.discussion.defs.reactionCount'];
