## The problem-solving chain: labels, diagrams, validation, contact gaps.

chain-subject-product = product
chain-subject-service = service
chain-subject-customer-group = customer group
chain-tier-supplier = supplier
chain-tier-self = us (own company)
chain-tier-customer = customer
chain-tier-customer-of-customer = customer's customer
chain-tier-user = user
chain-tier-other = other
chain-size-micro = micro
chain-size-small = small
chain-size-medium = medium
chain-size-large = large
chain-position-leader = leader
chain-position-challenger = challenger
chain-position-follower = follower
chain-position-niche = niche player
chain-relationship-none = none
chain-relationship-indirect = indirect
chain-relationship-prospect = prospect
chain-relationship-customer = customer
chain-relationship-supplier = supplier
chain-relationship-partner = partner
chain-contact-direct = direct
chain-contact-indirect = indirect
chain-contact-none = no contact
chain-flow-goods = goods
chain-flow-service = service
chain-flow-money = money
chain-flow-information = information
chain-flow-influence = influence

chain-expected-text = a text
chain-missing-self = no actor with tier 'self' (exactly one is required: our own company)
chain-second-self = a second actor with tier 'self' (first: { $first }); exactly one is allowed
chain-duplicate-actor-id = actor id '{ $id }' is already used ({ $first })
chain-duplicate-person = person '{ $name }' appears twice at this actor
chain-duplicate-flow = the same flow (from, to, kind) appears twice
chain-self-loop = flow from an actor to itself
chain-empty-file = is empty
chain-unknown-actor = unknown actor '{ $id }'

chain-best-contact-direct = direct contact
chain-best-contact-indirect = indirect contact only
chain-best-contact-none = no contact
chain-best-contact-nobody-known = nobody known
chain-legend = Legend
chain-contact = contact
chain-mermaid-legend-contacts = Legend: solid green border = direct contact, dashed orange = indirect only, dotted red = no contact or nobody known
chain-mermaid-legend-symbols = ×n = number of such actors, ★ = importance (1–5); arrows: --> goods/service, ==> money, -.-> information/influence

chain-svg-title = Problem-solving chain – { $chain }
chain-svg-subtitle = Problem-solving chain · Subject: { $subject }
chain-importance-dots = Importance { $dots }
chain-actor-profile-with-size = Size: { $profile }
chain-actor-relationship = Relationship: { $relationship }
chain-actor-customer-value = Customer value: { $value }
chain-actor-customer-type = Customer type: { $type_name }
chain-actor-customers = Customers: { $count }
chain-actor-success-factors = Success factors: { $factors }
chain-person-known-by = known by { $name }
chain-person-tooltip = { $name } — contact: { $contact }
chain-person-last-contact = last contact { $date }
chain-legend-flows = Flows
chain-legend-contact-line = Contact line from us (strongest contact per actor)
chain-legend-importance = ●●●○○ importance 3 of 5
chain-legend-count = ×3 number of such actors
chain-legend-highlighted = Highlighted: us

chain-no-gaps = No contact gaps: someone is known at every actor, and every tier has a direct contact.
chain-gaps-tiers-without-direct-contact = Tiers without any direct contact:
chain-gaps-actors-without-persons = Actors where we know nobody:
chain-gaps-persons-without-contact = Persons we have no contact with:
chain-gaps-stale-contacts = Contacts older than { $days } days:
chain-gaps-last-contact = last { $date }, { $days } days ago

chain-edit-no-such-actor = no actor with id '{ $id }'
chain-edit-no-such-person = actor '{ $actor }' has no person '{ $name }'
chain-edit-no-such-flow = no flow { $from } → { $to } of kind '{ $kind }'
chain-edit-actor-in-use = actor '{ $id }' is used by { $flows } flow(s); --cascade removes them too
chain-edit-only-self = '{ $id }' is the only actor with tier 'self' (our own company) and cannot be removed

chain-png-invalid-scale = scale must be a positive number, got { $scale }
chain-png-too-large = the image would be { $width } × { $height } pixels; at most { $max } per side are possible, use a smaller scale
chain-png-svg = the diagram could not be rendered: { $error }
chain-png-font-read = the font file { $path } could not be read: { $error }
chain-png-not-a-font = { $path } is not a TrueType/OpenType font
chain-png-encode = the PNG could not be encoded: { $error }
