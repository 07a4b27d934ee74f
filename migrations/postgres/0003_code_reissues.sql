-- Urne, postgres. Keep in step with ../sqlite/0003_code_reissues.sql.
-- How many times the elector's code was reissued (lost or disclosed code, server/src/admin/codes.rs).
-- The second round's carry-over copies it with the credential and reports how many electors carry
-- a reissued code: counted, not guessed from the issuance times (a reissue can fall in the same
-- second as the issuance).
ALTER TABLE electors ADD COLUMN code_reissues BIGINT NOT NULL DEFAULT 0;
