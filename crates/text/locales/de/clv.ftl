## Lifetime-value model fits.

clv-no-data = Keine Daten zum Schätzen.
clv-no-repeat-buyers = Kein Kunde hat wiederholt gekauft; das Modell ist nicht schätzbar.
clv-not-converged = Die Optimierung konvergierte nicht nach { $iterations } Iterationen.
clv-non-finite = Nicht endlicher Zahlenwert ({ $what }).
clv-too-few-customers = Zu wenige Kunden mit Wiederholungskäufen ({ $found }; mindestens { $needed } nötig), um ein Kaufmodell zu schätzen.
clv-invalid-input = Ungültige Eingabe ({ $what }).
