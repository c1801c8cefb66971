-- Ranked polls: the instant runoff as last counted (rounds with every
-- option's tally and the eliminations), so that a ballot more or less
-- updates it instead of counting every ballot again (see src/tally.rs).
ALTER TABLE poll_polls ADD COLUMN runoff TEXT;
