## Customer types: labels, reasons, the classification tree.

typology-type-steady = unauffällig
typology-type-cyclical = zyklisch
typology-type-bell = Glocke
typology-type-growth = Wachstum
typology-type-shrinking = Schrumpfung
typology-type-barnacle = Klette
typology-type-new = neu

typology-claim-rising = Käufe oder Monatswerte steigen
typology-claim-falling = Käufe oder Monatswerte fallen
typology-claim-hump = Käufe oder Monatswerte steigen und fallen wieder
typology-claim-season = Käufe oder Monatswerte folgen einer Saison oder kommen in Phasen
typology-evidence-shown = { $label }: { $what } über den Zufall hinaus (p { $p } bei { $purchases } Käufen über { $months } Monate); der Verlauf allein sah nach { $shape } aus.
typology-evidence-not-shown = Unauffällig: kein Muster über den Zufall hinaus in { $purchases } Käufen über { $months } Monate (der Verlauf sah nach { $shape } aus, p { $p }; nötig wäre p < { $level }).
# Appended to a reason: starts with a space.
typology-evidence-steady = { " " }{ $purchases } Käufe über { $months } Monate; das stärkste Muster p { $p }.
typology-evidence-beyond-chance = { " " }Über den Zufall hinaus: p { $p } bei { $purchases } Käufen über { $months } Monate.

typology-no-margin-month = Kein Monat mit Deckungsbeitrag.
typology-reason-too-little-history = Nur { $active } aktive Monate in { $months } Monaten: zu wenig Verlauf für einen Typ (nötig sind 4 aktive Monate in mindestens 6).
typology-reason-loyal-no-value = Seit { $tenure } Monaten treu, aber die letzten 12 Monate bringen im Mittel { $level } (null oder weniger).
typology-reason-growing = Wachsend: Mann-Kendall-tau { $tau } (p = { $p }), letztes Drittel { $ratio }-mal das erste, Höhepunkt bei { $peak } % der Laufzeit.
typology-reason-bell = Bis zu einem Höhepunkt bei { $peak } % der Laufzeit gestiegen und wieder gefallen: Anfang { $rise } % und Ende { $fall } % unter dem Höhepunkt.
typology-reason-shrinking = Schrumpfend: Mann-Kendall-tau { $tau } (p = { $p }), letztes Drittel { $ratio }-mal das erste.
typology-reason-barnacle = Seit { $tenure } Monaten treu, aber die letzten 12 Monate bringen im Mittel { $level }, { $share } % des typischen Kundenniveaus.
typology-reason-cyclical = Zyklisch: Monate schwanken um { $cv_month }, Auftragsgrößen um { $cv2 } (cv²); { $votes } von 4 Zyklus-Anzeichen, { $highs } Hochphasen mit { $troughs } Pausen dazwischen.
typology-reason-steady = Kein klarer Trend, Höhepunkt oder Zyklus (tau { $tau }, p = { $p }, Schwankung der Blöcke { $cv_block }).
# Appended to a reason: starts with a space.
typology-weak-evidence = { " " }Schwache Evidenz: die Blöcke schwanken stark oder ändern sich deutlich.
typology-no-business-for = { " " }Seit { $months } Monaten ohne Umsatz.

typology-tree-empty = `[typology] tree` ist leer
typology-tree-bad-child = `[typology] tree`, Knoten { $node }: Kind { $child } ist kein späterer Knoten (der Baum hat { $len })
typology-tree-bad-threshold = `[typology] tree`, Knoten { $node }: Schwelle `le` ist keine endliche Zahl
typology-tree-new-leaf = `[typology] tree`, Knoten { $node }: ein Blatt kann nicht `new` sein (das entscheidet die Regel zur Historienlänge)
typology-tree-bad-confidence = `[typology] tree`, Knoten { $node }: `confidence` liegt nicht zwischen 0 und 1
typology-no-season = keine (zu kurz)
typology-bounds-between = über { $lower } und höchstens { $upper }
typology-bounds-above = über { $lower }
typology-bounds-at-most = höchstens { $upper }
typology-conditions-and = { $rest } und { $last }

typology-feature-left-censored = Beginn vor den Daten
typology-feature-tenure = Monate seit dem ersten Auftrag
typology-feature-span = aktive Spanne in Monaten
typology-feature-n-active = Monate mit Umsatz
typology-feature-gap-end = Monate seit dem letzten Auftrag
typology-feature-adi = mittlerer Bestellabstand in Monaten
typology-feature-density = Anteil aktiver Monate
typology-feature-cv2 = Schwankung der Auftragsgrößen (cv²)
typology-feature-level-rel = letzte 12 Monate relativ zum typischen Kunden
typology-feature-recent = letzte 12 Monate relativ zum Lebensmittel
typology-feature-n-blocks = Trendblöcke
typology-feature-tau = Trend τ
typology-feature-p = p-Wert des Trends
typology-feature-ratio31 = letztes/erstes Drittel
typology-feature-peak-pos = Lage des Höhepunkts (0 Anfang, 1 Ende)
typology-feature-rise = Anstieg zum Höhepunkt
typology-feature-fall = Abfall nach dem Höhepunkt
typology-feature-tau-pre = τ vor dem Höhepunkt
typology-feature-tau-post = τ nach dem Höhepunkt
typology-feature-cv-block = Schwankung der Blöcke
typology-feature-cv-month = Schwankung der Monate
typology-feature-acf-season = saisonale Autokorrelation
typology-feature-runs-z = Runs-z der Phasen
typology-feature-highs = Hochphasen
typology-feature-troughs = Pausen zwischen Hochphasen
typology-feature-acf1 = Ähnlichkeit aufeinanderfolgender Monate (Autokorrelation)
typology-feature-season-power = Anteil einer Saisonwelle an der Schwankung
typology-feature-slope-rel = Änderung entlang der Trendlinie relativ zum Mittel
typology-feature-curvature = Krümmung relativ zum Mittel (negativ = Buckel)
typology-feature-season-evidence = Gewicht der Saisonwelle (Rauschen um 1)
typology-feature-low-share = Anteil der Monate in Tiefphasen
typology-feature-longest-pause = längste Pause ohne Umsatz in Monaten
typology-feature-trend-count = Trend der Käufe gegen Zufall (z)
typology-feature-trend-value = Trend der Monatswerte gegen Zufall (z)
typology-feature-hump-count = Buckel der Käufe gegen Zufall (z)
typology-feature-hump-value = Buckel der Monatswerte gegen Zufall (z)
typology-feature-season-count = Saisonwelle der Käufe gegen Zufall (√χ²)
typology-feature-season-value = Saisonwelle der Monatswerte gegen Zufall (√χ²)
typology-feature-cluster-value = Häufung starker Monate gegen Zufall (z)
typology-feature-purchases = Käufe nach dem ersten Monat
