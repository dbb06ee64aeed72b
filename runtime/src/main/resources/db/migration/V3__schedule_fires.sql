-- One execution per fire of a schedule, whatever Quartz does: a fire that reaches two nodes
-- (a known Quartz race) inserts the second row into this index and is dropped.
create unique index executions_schedule_fire on executions (job_id, (trigger ->> 'schedule'), (trigger ->> 'scheduled_at'))
    where trigger ->> 'type' = 'schedule';
