ALTER TABLE "twin"."hourly" ADD COLUMN "resume" jsonb;
