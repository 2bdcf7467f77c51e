-- One database and one role per service (ARCHITECTURE.md §5), for docker-compose.yml.
-- The postgres image runs this once, when its data volume is empty; `docker compose down -v` resets it.
-- The passwords are for a local machine only: compose publishes PostgreSQL on 127.0.0.1 alone.

CREATE ROLE membership LOGIN PASSWORD 'membership';
CREATE DATABASE membership OWNER membership;

CREATE ROLE events LOGIN PASSWORD 'events';
CREATE DATABASE events OWNER events;

CREATE ROLE matching LOGIN PASSWORD 'matching';
CREATE DATABASE matching OWNER matching;

CREATE ROLE notifications LOGIN PASSWORD 'notifications';
CREATE DATABASE notifications OWNER notifications;

CREATE ROLE community LOGIN PASSWORD 'community';
CREATE DATABASE community OWNER community;

CREATE ROLE gateway LOGIN PASSWORD 'gateway';
CREATE DATABASE gateway OWNER gateway;

-- Each service reaches only its own database: no role may connect to another service's.
REVOKE CONNECT, TEMPORARY ON DATABASE membership, events, matching, notifications, community, gateway FROM PUBLIC;
