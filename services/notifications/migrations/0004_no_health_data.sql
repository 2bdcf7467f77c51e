-- Notifications keeps no health data: what earlier versions stored of a message beyond what templates read
-- is removed from every delivery and inbox entry already recorded.
UPDATE deliveries SET context = jsonb_set(
    context, '{data}',
    (context -> 'data') - 'conditions' - 'diagnosed_in' - 'availability' - 'birth_year' - 'gender'
        - 'is_caregiver' - 'languages' - 'time_zone' - 'consents' - 'modalities' - 'capacity' - 'roles'
        - 'wants_mentor' - 'federation_matching_allowed'
) WHERE context ? 'data';

UPDATE inbox_entries SET context = jsonb_set(
    context, '{data}',
    (context -> 'data') - 'conditions' - 'diagnosed_in' - 'availability' - 'birth_year' - 'gender'
        - 'is_caregiver' - 'languages' - 'time_zone' - 'consents' - 'modalities' - 'capacity' - 'roles'
        - 'wants_mentor' - 'federation_matching_allowed'
) WHERE context ? 'data';
