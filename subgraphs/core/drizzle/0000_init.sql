CREATE TYPE "public"."container_kind" AS ENUM('FREEZER', 'REFRIGERATOR', 'RACK', 'BOX', 'SHIPPER', 'DEWAR', 'ROOM');--> statement-breakpoint
CREATE TYPE "public"."container_status" AS ENUM('IDLE', 'IN_USE', 'IN_TRANSIT', 'MAINTENANCE', 'RETIRED');--> statement-breakpoint
CREATE TYPE "public"."custody_subject" AS ENUM('CONTAINER', 'SAMPLE');--> statement-breakpoint
CREATE TYPE "public"."sample_kind" AS ENUM('BLOOD', 'PLASMA', 'SERUM', 'TISSUE', 'DNA', 'RNA', 'CELLS', 'VACCINE', 'REAGENT', 'OTHER');--> statement-breakpoint
CREATE TYPE "public"."sample_status" AS ENUM('COLLECTED', 'PROCESSED', 'STORED', 'IN_TRANSIT', 'CONSUMED', 'DISPOSED');--> statement-breakpoint
CREATE TYPE "public"."shipment_status" AS ENUM('PLANNED', 'IN_TRANSIT', 'RECEIVED', 'CANCELLED');--> statement-breakpoint
CREATE TYPE "public"."storage_profile_kind" AS ENUM('AMBIENT', 'REFRIGERATED', 'FROZEN', 'ULTRA_LOW', 'CRYOGENIC', 'CUSTOM');--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	"actor" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"action" text NOT NULL,
	"before" jsonb,
	"after" jsonb
);
--> statement-breakpoint
CREATE TABLE "catalog_state" (
	"id" integer PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "containers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"kind" "container_kind" NOT NULL,
	"label" text,
	"status" "container_status" DEFAULT 'IDLE' NOT NULL,
	"site_id" uuid,
	"storage_profile_id" uuid,
	"parent_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "containers_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "custody_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"subject_type" "custody_subject" NOT NULL,
	"subject_id" uuid NOT NULL,
	"subject_code" text NOT NULL,
	"from_container_code" text,
	"to_container_code" text,
	"from_site_code" text,
	"to_site_code" text,
	"shipment_reference" text,
	"reason" text,
	"actor" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "samples" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"kind" "sample_kind" DEFAULT 'OTHER' NOT NULL,
	"status" "sample_status" DEFAULT 'COLLECTED' NOT NULL,
	"collected_at" timestamp with time zone,
	"container_id" uuid,
	"storage_profile_id" uuid,
	"parent_sample_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "samples_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "shipment_containers" (
	"shipment_id" uuid NOT NULL,
	"container_id" uuid NOT NULL,
	CONSTRAINT "shipment_containers_shipment_id_container_id_pk" PRIMARY KEY("shipment_id","container_id")
);
--> statement-breakpoint
CREATE TABLE "shipments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"origin_site_id" uuid NOT NULL,
	"destination_site_id" uuid NOT NULL,
	"status" "shipment_status" DEFAULT 'PLANNED' NOT NULL,
	"planned_departure_at" timestamp with time zone,
	"planned_arrival_at" timestamp with time zone,
	"dispatched_at" timestamp with time zone,
	"received_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shipments_reference_unique" UNIQUE("reference")
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"city" text,
	"country" text,
	"lat" double precision,
	"lng" double precision,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sites_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "storage_profiles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" "storage_profile_kind" NOT NULL,
	"min_temp_c" double precision,
	"max_temp_c" double precision,
	"min_humidity_pct" double precision,
	"max_humidity_pct" double precision,
	"excursion_delay_seconds" integer DEFAULT 0 NOT NULL,
	"hysteresis_c" double precision DEFAULT 0.5 NOT NULL,
	"hysteresis_pct" double precision DEFAULT 2 NOT NULL,
	"max_excursion_minutes" integer DEFAULT 30 NOT NULL,
	"excursion_budget_minutes" integer DEFAULT 120 NOT NULL,
	"stale_after_seconds" integer DEFAULT 900 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "storage_profiles_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "containers" ADD CONSTRAINT "containers_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "containers" ADD CONSTRAINT "containers_storage_profile_id_storage_profiles_id_fk" FOREIGN KEY ("storage_profile_id") REFERENCES "public"."storage_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "containers" ADD CONSTRAINT "containers_parent_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."containers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "samples" ADD CONSTRAINT "samples_container_id_containers_id_fk" FOREIGN KEY ("container_id") REFERENCES "public"."containers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "samples" ADD CONSTRAINT "samples_storage_profile_id_storage_profiles_id_fk" FOREIGN KEY ("storage_profile_id") REFERENCES "public"."storage_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "samples" ADD CONSTRAINT "samples_parent_fk" FOREIGN KEY ("parent_sample_id") REFERENCES "public"."samples"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_containers" ADD CONSTRAINT "shipment_containers_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment_containers" ADD CONSTRAINT "shipment_containers_container_id_containers_id_fk" FOREIGN KEY ("container_id") REFERENCES "public"."containers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_origin_site_id_sites_id_fk" FOREIGN KEY ("origin_site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_destination_site_id_sites_id_fk" FOREIGN KEY ("destination_site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "containers_site_idx" ON "containers" USING btree ("site_id");--> statement-breakpoint
CREATE INDEX "containers_parent_idx" ON "containers" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "custody_events_subject_idx" ON "custody_events" USING btree ("subject_id","seq");--> statement-breakpoint
CREATE INDEX "samples_container_idx" ON "samples" USING btree ("container_id");--> statement-breakpoint
CREATE INDEX "samples_parent_idx" ON "samples" USING btree ("parent_sample_id");--> statement-breakpoint
CREATE INDEX "shipment_containers_container_idx" ON "shipment_containers" USING btree ("container_id");