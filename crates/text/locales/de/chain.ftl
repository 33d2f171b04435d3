## The problem-solving chain: labels, diagrams, validation, contact gaps.

chain-subject-product = Produkt
chain-subject-service = Dienstleistung
chain-subject-customer-group = Kundengruppe
chain-tier-supplier = Lieferant
chain-tier-self = Wir (eigenes Unternehmen)
chain-tier-customer = Kunde
chain-tier-customer-of-customer = Kunde des Kunden
chain-tier-user = Nutzer
chain-tier-other = Sonstige
chain-size-micro = Kleinstunternehmen
chain-size-small = klein
chain-size-medium = mittel
chain-size-large = groß
chain-position-leader = Marktführer
chain-position-challenger = Herausforderer
chain-position-follower = Mitläufer
chain-position-niche = Nischenanbieter
chain-relationship-none = keine
chain-relationship-indirect = indirekt
chain-relationship-prospect = Interessent
chain-relationship-customer = Kunde
chain-relationship-supplier = Lieferant
chain-relationship-partner = Partner
chain-contact-direct = direkt
chain-contact-indirect = indirekt
chain-contact-none = kein Kontakt
chain-flow-goods = Ware
chain-flow-service = Dienstleistung
chain-flow-money = Geld
chain-flow-information = Information
chain-flow-influence = Einfluss

chain-expected-text = einen Text
chain-missing-self = kein Akteur mit tier 'self' (genau einer ist nötig: das eigene Unternehmen)
chain-second-self = zweiter Akteur mit tier 'self' (erster: { $first }); genau einer ist erlaubt
chain-duplicate-actor-id = Akteur-ID '{ $id }' ist schon vergeben ({ $first })
chain-duplicate-person = Person '{ $name }' kommt bei diesem Akteur doppelt vor
chain-duplicate-flow = gleicher Fluss (from, to, kind) kommt doppelt vor
chain-self-loop = Fluss von einem Akteur zu sich selbst
chain-empty-file = ist leer
chain-unknown-actor = unbekannter Akteur '{ $id }'

chain-best-contact-direct = direkter Kontakt
chain-best-contact-indirect = nur indirekter Kontakt
chain-best-contact-none = kein Kontakt
chain-best-contact-nobody-known = keine Person bekannt
chain-legend = Legende
chain-contact = Kontakt
chain-mermaid-legend-contacts = Legende: Rahmen durchgezogen grün = direkter Kontakt, gestrichelt orange = nur indirekt, gepunktet rot = kein Kontakt oder niemand bekannt
chain-mermaid-legend-symbols = ×n = Anzahl solcher Akteure, ★ = Wichtigkeit (1–5); Pfeile: --> Ware/Dienstleistung, ==> Geld, -.-> Information/Einfluss

chain-svg-title = Problemlösekette – { $chain }
chain-svg-subtitle = Problemlösekette · Gegenstand: { $subject }
chain-importance-dots = Bedeutung { $dots }
chain-actor-profile-with-size = Größe: { $profile }
chain-actor-relationship = Beziehung: { $relationship }
chain-actor-customer-value = Kundenwert: { $value }
chain-actor-customer-type = Kundentyp: { $type_name }
chain-actor-customers = Kunden: { $count }
chain-actor-success-factors = Erfolgsfaktoren: { $factors }
chain-person-known-by = bekannt bei { $name }
chain-person-tooltip = { $name } — Kontakt: { $contact }
chain-person-last-contact = letzter Kontakt { $date }
chain-legend-flows = Flüsse
chain-legend-contact-line = Kontaktlinie von uns (stärkster Kontakt je Akteur)
chain-legend-importance = ●●●○○ Bedeutung 3 von 5
chain-legend-count = ×3 Anzahl solcher Akteure
chain-legend-highlighted = Hervorgehoben: wir

chain-no-gaps = Keine Kontaktlücken: Zu jedem Akteur ist jemand bekannt, auf jeder Stufe gibt es direkten Kontakt.
chain-gaps-tiers-without-direct-contact = Stufen ohne direkten Kontakt:
chain-gaps-actors-without-persons = Akteure, bei denen wir niemanden kennen:
chain-gaps-persons-without-contact = Personen, zu denen wir keinen Kontakt haben:
chain-gaps-stale-contacts = Kontakte, die länger als { $days } Tage zurückliegen:
chain-gaps-last-contact = zuletzt { $date }, vor { $days } Tagen

chain-edit-no-such-actor = kein Akteur mit der ID '{ $id }'
chain-edit-no-such-person = Akteur '{ $actor }' hat keine Person '{ $name }'
chain-edit-no-such-flow = kein Fluss { $from } → { $to } der Art '{ $kind }'
chain-edit-actor-in-use = Akteur '{ $id }' wird von { $flows } Fluss/Flüssen verwendet; mit --cascade werden sie mit entfernt
chain-edit-only-self = '{ $id }' ist der einzige Akteur mit tier 'self' (das eigene Unternehmen) und kann nicht entfernt werden

chain-png-invalid-scale = Der Maßstab muss eine positive Zahl sein, angegeben: { $scale }
chain-png-too-large = Das Bild wäre { $width } × { $height } Pixel groß; höchstens { $max } je Seite sind möglich, bitte einen kleineren Maßstab wählen
chain-png-svg = Das Diagramm konnte nicht gezeichnet werden: { $error }
chain-png-font-read = Die Schriftdatei { $path } konnte nicht gelesen werden: { $error }
chain-png-not-a-font = { $path } ist keine TrueType/OpenType-Schrift
chain-png-encode = Das PNG konnte nicht geschrieben werden: { $error }
