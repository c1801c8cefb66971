-- Whether someone follows a request (notify.rs) is asked on every signed-in
-- request page: their latest subscription record, newest first by
-- (created_at, uri), and whether they commented on it. Both answered from
-- an index alone: no sort of the subscriptions, no reading every comment.
DROP INDEX fr_subscriptions_by_person;
CREATE INDEX fr_subscriptions_by_person ON fr_subscriptions (did, request_id, created_at, uri);
CREATE INDEX fr_comments_by_author ON fr_comments (request_id, author_did, created_at);
