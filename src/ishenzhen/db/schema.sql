--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET transaction_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: btree_gin; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public;

--
-- Name: pg_trgm; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

--
-- Name: unaccent; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: catalog_departments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_departments (
    slug text NOT NULL,
    name text NOT NULL,
    credit_code character(18) NOT NULL,
    document jsonb NOT NULL
);

--
-- Name: catalog_districts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_districts (
    code character(6) NOT NULL,
    name text NOT NULL,
    document jsonb NOT NULL
);

--
-- Name: catalog_e_licence_types; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_e_licence_types (
    code text NOT NULL,
    name text NOT NULL,
    document jsonb NOT NULL
);

--
-- Name: catalog_item_versions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_item_versions (
    code text NOT NULL,
    version integer NOT NULL,
    content_hash bytea NOT NULL,
    document jsonb NOT NULL,
    listing text NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: catalog_items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_items (
    code text NOT NULL,
    basic_code text NOT NULL,
    department text NOT NULL,
    district character(6),
    name text NOT NULL,
    listing text DEFAULT 'listed'::text NOT NULL,
    version integer NOT NULL,
    content_hash bytea NOT NULL,
    document jsonb NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT catalog_items_listing_check CHECK ((listing = ANY (ARRAY['listed'::text, 'withdrawn'::text]))),
    CONSTRAINT catalog_items_version_check CHECK ((version >= 1))
);

--
-- Name: catalog_revision; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_revision (
    singleton boolean DEFAULT true NOT NULL,
    revision bigint NOT NULL,
    changed_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT catalog_revision_singleton_check CHECK (singleton)
);

--
-- Name: catalog_themes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_themes (
    code text NOT NULL,
    name text NOT NULL,
    audience text NOT NULL,
    document jsonb NOT NULL
);

--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

--
-- Name: catalog_departments catalog_departments_credit_code_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_departments
    ADD CONSTRAINT catalog_departments_credit_code_key UNIQUE (credit_code);

--
-- Name: catalog_departments catalog_departments_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_departments
    ADD CONSTRAINT catalog_departments_name_key UNIQUE (name);

--
-- Name: catalog_departments catalog_departments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_departments
    ADD CONSTRAINT catalog_departments_pkey PRIMARY KEY (slug);

--
-- Name: catalog_districts catalog_districts_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_districts
    ADD CONSTRAINT catalog_districts_name_key UNIQUE (name);

--
-- Name: catalog_districts catalog_districts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_districts
    ADD CONSTRAINT catalog_districts_pkey PRIMARY KEY (code);

--
-- Name: catalog_e_licence_types catalog_e_licence_types_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_e_licence_types
    ADD CONSTRAINT catalog_e_licence_types_pkey PRIMARY KEY (code);

--
-- Name: catalog_item_versions catalog_item_versions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_item_versions
    ADD CONSTRAINT catalog_item_versions_pkey PRIMARY KEY (code, version);

--
-- Name: catalog_items catalog_items_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_items
    ADD CONSTRAINT catalog_items_pkey PRIMARY KEY (code);

--
-- Name: catalog_revision catalog_revision_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_revision
    ADD CONSTRAINT catalog_revision_pkey PRIMARY KEY (singleton);

--
-- Name: catalog_themes catalog_themes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_themes
    ADD CONSTRAINT catalog_themes_pkey PRIMARY KEY (code);

--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

--
-- Name: catalog_items_department_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX catalog_items_department_idx ON public.catalog_items USING btree (department);

--
-- Name: catalog_items_name_trgm_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX catalog_items_name_trgm_idx ON public.catalog_items USING gin (name public.gin_trgm_ops);

--
-- Name: catalog_item_versions catalog_item_versions_code_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_item_versions
    ADD CONSTRAINT catalog_item_versions_code_fkey FOREIGN KEY (code) REFERENCES public.catalog_items(code);

--
-- Name: catalog_items catalog_items_department_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_items
    ADD CONSTRAINT catalog_items_department_fkey FOREIGN KEY (department) REFERENCES public.catalog_departments(slug);

--
-- Name: catalog_items catalog_items_district_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_items
    ADD CONSTRAINT catalog_items_district_fkey FOREIGN KEY (district) REFERENCES public.catalog_districts(code);

--
-- PostgreSQL database dump complete
--
