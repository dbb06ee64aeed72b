-- Each node's workers as its heartbeat last saw them, for GET /api/v1/executor/status: how many
-- it has and how many were running an execution. Null for a node whose build does not report them.
alter table nodes add column workers integer;
alter table nodes add column workers_busy integer;
