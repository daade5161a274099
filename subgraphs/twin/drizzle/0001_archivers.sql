CREATE TABLE "twin"."archivers" (
	"consumer" text PRIMARY KEY NOT NULL,
	"archived" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"last_error" text,
	"per_second" double precision NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL
);
