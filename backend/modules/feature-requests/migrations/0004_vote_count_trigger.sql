-- A new vote notes its change for the end of the transaction (0003) from a
-- trigger, inside the statement that inserts it: the indexer's hot path is
-- then one statement per vote (find the request, insert the vote), where it
-- was three, each with its own round through the statement cache. Deletes
-- keep noting their change themselves: a request's deletion removes its
-- votes by cascade, and those must not be noted.
CREATE TRIGGER fr_votes_note_insert AFTER INSERT ON fr_votes BEGIN
    INSERT INTO fr_votes_pending (request_id, count, weight) VALUES (new.request_id, 1, new.weight)
    ON CONFLICT (request_id) DO UPDATE SET count = count + excluded.count, weight = weight + excluded.weight;
END;
