-- An inspection photo keeps where its position and its time came from. A photo picked from the
-- gallery without EXIF GPS is stored with the phone's position when the officer added it, and a
-- photo without an EXIF capture time with the file's last-modified time; an inspection record (and
-- EUDR geolocation evidence) must tell those apart from what the camera wrote into the photo.
--   position_source: 'photo'  the JPEG's own EXIF GPS tags
--                    'device' the lon/lat of the upload's query (the web client sends the phone's
--                             position, taken when the photo was added, only for a photo without GPS)
--   taken_at_source: 'photo'  the JPEG's EXIF DateTimeOriginal
--                    'file'   the takenAt of the upload's query (the web client sends the file's
--                             last-modified time, only for a photo without a capture time)
-- NULL where there is no position / no time. Rows stored before this migration keep NULL in both:
-- which of the two a stored value was is not written anywhere, and guessing it (say, from whether
-- the file has EXIF) could call the phone's position the camera's.
ALTER TABLE inspection_photos
  ADD COLUMN position_source text CHECK (position_source IN ('photo', 'device')),
  ADD COLUMN taken_at_source text CHECK (taken_at_source IN ('photo', 'file')),
  ADD CONSTRAINT inspection_photos_position_source_has_position CHECK (position_source IS NULL OR geom IS NOT NULL),
  ADD CONSTRAINT inspection_photos_taken_at_source_has_time CHECK (taken_at_source IS NULL OR taken_at IS NOT NULL);
