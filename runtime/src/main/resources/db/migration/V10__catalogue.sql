-- The catalogue: a job's category and whether it is a template (instantiated, never run).
alter table jobs add column category text;
alter table jobs add column template boolean not null default false;
create index jobs_by_category on jobs (category) where category is not null;
