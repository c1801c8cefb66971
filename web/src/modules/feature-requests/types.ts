// The board's views, from the API types (client/schema.d.ts, generated from openapi/openapi.json).
import type { Schemas } from '../../client';

export type RequestView = Schemas['site.exosphere.featureRequest.defs.requestView'];
export type CommentView = Schemas['site.exosphere.featureRequest.defs.commentView'];
export type StatusView = Schemas['site.exosphere.featureRequest.defs.statusView'];
export type TagView = Schemas['site.exosphere.featureRequest.defs.tagView'];
