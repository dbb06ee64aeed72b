-- A running execution's row is updated at every step (current_step, progress) and its step run's
-- row at every step's end; none of those columns is indexed, so PostgreSQL can update them in
-- place (HOT: no new entry in any of the tables' indexes) when the row's page has room. Rows are
-- only appended, so with the default fillfactor of 100 the page is full and every update writes
-- a new entry into each index (six on executions). Leaving 30% of each new page free keeps these
-- updates HOT. Existing pages keep their layout until they are rewritten.
alter table executions set (fillfactor = 70);
alter table step_runs set (fillfactor = 70);
