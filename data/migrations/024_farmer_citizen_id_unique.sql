-- One farmer per citizen ID (CCCD, 12 digits; old CMND, 9): the same person registered twice would
-- have their plots split between two records. The column's CHECK (004) keeps it as bare digits, the
-- form and the API strip spaces and dots before it is written, so the column is the normalised ID.
-- The index makes two officers registering one ID at the same moment meet: the second insert fails
-- with a unique violation, which the registry answers as 409 duplicate-citizen-id.
CREATE UNIQUE INDEX farmer_private_citizen_id_key ON farmer_private (citizen_id) WHERE citizen_id IS NOT NULL;
