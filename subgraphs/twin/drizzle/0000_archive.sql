-- Hand-edited after drizzle-kit generate: every time-keyed table is range-partitioned by month (UTC) of its time
-- column; partitions are created ahead and on demand by the archiver (createPartitions) and dropped by retention.
CREATE SCHEMA IF NOT EXISTS "twin";
--> statement-breakpoint
CREATE TABLE "twin"."alert_events" (
	"alert_id" text NOT NULL,
	"position" integer NOT NULL,
	"entity" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"transition" text NOT NULL,
	"event" jsonb NOT NULL,
	CONSTRAINT "alert_events_alert_id_position_at_pk" PRIMARY KEY("alert_id","position","at")
) PARTITION BY RANGE ("at");
--> statement-breakpoint
CREATE TABLE "twin"."alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"entity" text NOT NULL,
	"kind" text NOT NULL,
	"severity" text NOT NULL,
	"started_at" timestamp (3) with time zone NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"acknowledged_at" timestamp (3) with time zone,
	"acknowledged_by" text,
	"note" text,
	"peak_value" double precision
);
--> statement-breakpoint
CREATE TABLE "twin"."checkpoints" (
	"entity" text NOT NULL,
	"hour" timestamp (3) with time zone NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"version" integer NOT NULL,
	"excursions" jsonb NOT NULL,
	CONSTRAINT "checkpoints_entity_hour_pk" PRIMARY KEY("entity","hour")
) PARTITION BY RANGE ("hour");
--> statement-breakpoint
CREATE TABLE "twin"."hourly" (
	"entity" text NOT NULL,
	"hour" timestamp (3) with time zone NOT NULL,
	"profile" text NOT NULL,
	"readings" integer NOT NULL,
	"readings_in_range" integer NOT NULL,
	"temperatures" integer NOT NULL,
	"temperature_sum" double precision NOT NULL,
	"min_c" double precision,
	"max_c" double precision,
	"in_ms" bigint NOT NULL,
	"out_ms" bigint NOT NULL,
	"kinetic_sum" double precision NOT NULL,
	"kinetic_ms" bigint NOT NULL,
	"known" jsonb NOT NULL,
	CONSTRAINT "hourly_entity_hour_pk" PRIMARY KEY("entity","hour")
) PARTITION BY RANGE ("hour");
--> statement-breakpoint
CREATE TABLE "twin"."readings" (
	"entity" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL,
	"temperature_c" double precision,
	"humidity_pct" double precision,
	"lat" double precision,
	"lng" double precision,
	"status" text,
	"seq" integer,
	CONSTRAINT "readings_entity_at_pk" PRIMARY KEY("entity","at")
) PARTITION BY RANGE ("at");
--> statement-breakpoint
CREATE INDEX "alert_events_entity" ON "twin"."alert_events" USING btree ("entity","at");--> statement-breakpoint
CREATE INDEX "alerts_entity_started" ON "twin"."alerts" USING btree ("entity","started_at");--> statement-breakpoint
CREATE INDEX "alerts_entity_ended" ON "twin"."alerts" USING btree ("entity","ended_at");