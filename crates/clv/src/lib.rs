//! Customer lifetime-value models ("buy till you die"): maximum likelihood fits on per-customer
//! summaries (frequency, recency, age) and per-customer predictions.
#![deny(missing_docs)]
