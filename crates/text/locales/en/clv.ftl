## Lifetime-value model fits.

clv-no-data = No data to fit.
clv-no-repeat-buyers = No customer made a repeat purchase; the model cannot be fitted.
clv-not-converged = The optimiser did not converge after { $iterations } iterations.
clv-non-finite = Non-finite numeric value ({ $what }).
clv-too-few-customers = Too few customers with repeat purchases ({ $found }; at least { $needed } needed) to fit a purchase model.
clv-invalid-input = Invalid input ({ $what }).
