-- The database jobs reach as the connection `local` (CARAVAN_LOCAL_DB_URL), beside Caravan's own.
create database jobs owner caravan;
