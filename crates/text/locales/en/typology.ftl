## Customer types: labels, reasons, the classification tree.

typology-type-steady = steady
typology-type-cyclical = cyclical
typology-type-bell = bell
typology-type-growth = growth
typology-type-shrinking = shrinking
typology-type-barnacle = barnacle
typology-type-new = new

typology-claim-rising = purchases or monthly values rise
typology-claim-falling = purchases or monthly values fall
typology-claim-hump = purchases or monthly values rise and fall again
typology-claim-season = purchases or monthly values follow a season or come in phases
typology-evidence-shown = { $label }: { $what } beyond chance (p { $p } in { $purchases } purchases over { $months } months); the shape alone looked like { $shape }.
typology-evidence-not-shown = Steady: no pattern beyond chance in { $purchases } purchases over { $months } months (the shape looked like { $shape }, p { $p }; it would need p < { $level }).
# Appended to a reason: starts with a space.
typology-evidence-steady = { " " }{ $purchases } purchases over { $months } months; the strongest pattern p { $p }.
typology-evidence-beyond-chance = { " " }Beyond chance: p { $p } in { $purchases } purchases over { $months } months.

typology-no-margin-month = No month with a contribution margin.
typology-reason-too-little-history = Only { $active } active months in { $months } months: too little history for a type (needs 4 active months in at least 6).
typology-reason-loyal-no-value = Loyal for { $tenure } months, but the last 12 months average { $level } (zero or less).
typology-reason-growing = Growing: Mann-Kendall tau { $tau } (p = { $p }), last third { $ratio } times the first, peak at { $peak } % of the span.
typology-reason-bell = Rose to a peak at { $peak } % of the span and fell again: start { $rise } % and end { $fall } % below the peak.
typology-reason-shrinking = Shrinking: Mann-Kendall tau { $tau } (p = { $p }), last third { $ratio } times the first.
typology-reason-barnacle = Loyal for { $tenure } months, but the last 12 months average { $level }, { $share } % of the portfolio's typical level.
typology-reason-cyclical = Cyclical: months vary by { $cv_month }, order sizes by { $cv2 } (cv²); { $votes } of 4 signs of a cycle, { $highs } high phases with { $troughs } pauses between them.
typology-reason-steady = No clear trend, peak or cycle (tau { $tau }, p = { $p }, block variation { $cv_block }).
# Appended to a reason: starts with a space.
typology-weak-evidence = { " " }Weak evidence: the blocks vary strongly or change significantly.
typology-no-business-for = { " " }No business for { $months } months.

typology-tree-empty = `[typology] tree` is empty
typology-tree-bad-child = `[typology] tree`, node { $node }: child { $child } is not a later node (the tree has { $len })
typology-tree-bad-threshold = `[typology] tree`, node { $node }: threshold `le` is not a finite number
typology-tree-new-leaf = `[typology] tree`, node { $node }: a leaf cannot be `new` (the history-length rule decides that)
typology-tree-bad-confidence = `[typology] tree`, node { $node }: `confidence` is not between 0 and 1
typology-no-season = none (too short)
typology-bounds-between = above { $lower } and at most { $upper }
typology-bounds-above = above { $lower }
typology-bounds-at-most = at most { $upper }
typology-conditions-and = { $rest } and { $last }

typology-feature-left-censored = start before the data
typology-feature-tenure = months since the first order
typology-feature-span = active span in months
typology-feature-n-active = months with business
typology-feature-gap-end = months since the last order
typology-feature-adi = mean months between orders
typology-feature-density = share of active months
typology-feature-cv2 = order-size variation (cv²)
typology-feature-level-rel = last 12 months relative to the typical customer
typology-feature-recent = last 12 months relative to the lifetime mean
typology-feature-n-blocks = trend blocks
typology-feature-tau = trend τ
typology-feature-p = trend p-value
typology-feature-ratio31 = last/first third
typology-feature-peak-pos = peak position (0 start, 1 end)
typology-feature-rise = rise to the peak
typology-feature-fall = fall after the peak
typology-feature-tau-pre = τ before the peak
typology-feature-tau-post = τ after the peak
typology-feature-cv-block = block variation
typology-feature-cv-month = monthly variation
typology-feature-acf-season = seasonal autocorrelation
typology-feature-runs-z = runs z of the phases
typology-feature-highs = high phases
typology-feature-troughs = pauses between high phases
typology-feature-acf1 = similarity of consecutive months (autocorrelation)
typology-feature-season-power = share of the variation in one seasonal wave
typology-feature-slope-rel = change along the trend line relative to the mean
typology-feature-curvature = curvature relative to the mean (negative = hump)
typology-feature-season-evidence = weight of the seasonal wave (noise about 1)
typology-feature-low-share = share of months in low phases
typology-feature-longest-pause = longest pause without business in months
typology-feature-trend-count = trend of the purchases against chance (z)
typology-feature-trend-value = trend of the monthly values against chance (z)
typology-feature-hump-count = hump of the purchases against chance (z)
typology-feature-hump-value = hump of the monthly values against chance (z)
typology-feature-season-count = seasonal wave of the purchases against chance (√χ²)
typology-feature-season-value = seasonal wave of the monthly values against chance (√χ²)
typology-feature-cluster-value = clustering of strong months against chance (z)
typology-feature-purchases = purchases after the first month
