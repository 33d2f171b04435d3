## The web workbench (`kundenwert serve`): layout, login, errors, dashboard, customer list and page.

web-serve-listening = Kundenwert-Werkbank unter { $url }
web-serve-first-admin = Erste Anmeldung: Benutzer `{ $name }`, Passwort `{ $password }` (unter Einstellungen ändern)
web-serve-refreshing = Die gespeicherte Auswertung ist veraltet; sie wird im Hintergrund neu berechnet.
web-title = Kundenwert
web-skip-to-content = Zum Inhalt
web-nav-dashboard = Übersicht
web-nav-customers = Kunden
web-nav-chains = Ketten
web-nav-plans = Fokuspläne
web-nav-import = Import
web-nav-settings = Einstellungen
web-nav-logout = Abmelden
web-nav-language = English
web-signed-in-as = Angemeldet als { $name } ({ $role })
web-role-admin = Administrator
web-role-editor = Bearbeiter
web-role-viewer = Betrachter

web-login-title = Anmelden
web-login-username = Benutzername
web-login-password = Passwort
web-login-submit = Anmelden
web-login-failed = Benutzername oder Passwort ist falsch.
web-login-throttled = Zu viele Fehlversuche. Bitte in einer Minute erneut versuchen.
web-logged-out = Sie sind abgemeldet.

web-error-not-found = Nicht gefunden
web-error-not-found-text = Diese Seite gibt es nicht: `{ $path }`.
web-error-forbidden = Nicht erlaubt
web-error-forbidden-text = Ihre Rolle darf das nicht. Fragen Sie einen Administrator.
web-error-cross-site = Diese Anfrage kam von einer anderen Website und wurde abgewiesen.
web-error-internal = Etwas ist schiefgegangen
web-error-internal-text = Die Werkbank konnte nicht antworten. Das Server-Protokoll nennt den Grund.
web-error-bad-request = Diese Anfrage kann nicht beantwortet werden
web-back-home = Zurück zur Übersicht

web-no-analysis = Der Arbeitsbereich enthält noch keine Auswertung. Importieren Sie zuerst einen Export.
web-analysis-stale = Die Auswertung wird aktualisiert; die Zahlen stammen vom { $computed }.
web-analysis-as-of = Auswertung zum { $as_of }, { $customers } Kunden, berechnet { $computed }.

web-dashboard-title = Übersicht
web-dashboard-types = Kundentypen
web-dashboard-types-desc = Kunden je Typ: { $summary }.
web-dashboard-portfolio = Portfolio: aktueller × künftiger Wert
web-dashboard-portfolio-desc = { $count } Kunden nach aktuellem Wert (waagrecht) und künftigem Wert (senkrecht); die Linien markieren die Mediane.
web-dashboard-whale = Walkurve
web-dashboard-whale-desc = Kumulierter Anteil am Deckungsbeitrag nach Anteil der Kunden, die besten zuerst: der Gipfel liegt bei { $peak } bei { $at } der Kunden.
web-dashboard-abc = ABC-Klassen
web-dashboard-report = Bericht zum Weitergeben
web-dashboard-report-html = Bericht (HTML, zum Drucken oder Mailen)
web-dashboard-report-pdf = Bericht (PDF, Seiten zum Drucken)
web-dashboard-report-xlsx = Arbeitsmappe (Excel, alle Kunden mit ihren Monaten)
web-dashboard-abc-desc = Kunden und Anteil am aktuellen Wert je ABC-Klasse: { $summary }.
web-dashboard-movers = Größte Typwechsel vom { $from } zum { $to }
web-dashboard-no-migration = Die Historie ist zu kurz, um die Typen mit dem Vorjahr zu vergleichen.
web-dashboard-quadrant-stars = jetzt hoch, künftig hoch
web-dashboard-quadrant-potential = jetzt niedrig, künftig hoch
web-dashboard-quadrant-harvest = jetzt hoch, künftig niedrig
web-dashboard-quadrant-question = jetzt niedrig, künftig niedrig
web-col-customers = Kunden
web-col-share = Anteil am Wert
web-col-type-then = Typ damals
web-col-type-now = Typ jetzt

web-customers-title = Kunden
web-customers-filter = Filter
web-customers-search = Nummer oder Name suchen
web-customers-type = Typ
web-customers-status = Status
web-customers-abc = ABC
web-customers-any = alle
web-customers-min = von
web-customers-max = bis
web-customers-apply = Anwenden
web-customers-reset = Zurücksetzen
web-customers-columns = Spalten
web-customers-count = { $count } Kunden
web-customers-count-capped = mehr als { $count } Kunden
web-customers-none = Kein Kunde passt.
web-customers-next = Nächste Seite
web-customers-first = Erste Seite
web-customers-export = Gezeigtes exportieren
web-customers-save-view = Ansicht speichern als
web-customers-saved-views = Gespeicherte Ansichten
web-customers-view-saved = Ansicht gespeichert `{ $name }`
web-customers-sort-by = Sortieren nach { $column }

web-col-number = Nummer
web-col-name = Name
web-col-type = Typ
web-col-confidence = Sicherheit
web-col-status = Status
web-col-abc = ABC
web-col-current-value = Aktueller Wert
web-col-future-value = Künftiger Wert
web-col-future-range = Spanne (80 %)
web-col-p-alive = P(aktiv)
web-col-revenue = Umsatz
web-col-margin = Deckungsbeitrag
web-col-orders = Aufträge
web-col-last-order = Letzter Auftrag
web-col-first-order = Erster Auftrag
web-col-expected-purchases = Erwartete Käufe
web-col-month = Monat
web-col-source = Prognose aus

web-status-active = aktiv
web-status-dormant = ruhend
web-status-lost = verloren
web-status-one-time = Einmalkunde

web-customer-title = Kunde { $number }
web-customer-not-found = Die gespeicherte Auswertung kennt keinen Kunden `{ $number }`.
web-customer-why = Warum { $kind }
web-customer-chart = Deckungsbeitrag je Monat
web-customer-chart-desc = Deckungsbeitrag je Monat vom { $from } bis { $to }, mit der Prognose von { $future } über den Horizont und ihrer 80-%-Spanne.
web-customer-figures = Kennzahlen
web-customer-months = Monate mit Geschäft
web-customer-in-chains = In Ketten
web-customer-in-plans = In Fokusplänen
web-customer-none = keine
web-customer-previous = Vorheriger
web-customer-next = Nächster
web-customer-back-to-list = Zurück zur Liste
web-customer-forecast = Prognose
web-customer-range = 80-%-Spanne
web-customer-lines = Rechnungszeilen
web-customer-lines-shown = Die neuesten { $shown } von { $total } Zeilen.
web-customer-lines-all = { $total ->
    [one] Eine Zeile.
   *[other] Alle { $total } Zeilen.
}
web-customer-lines-pending = Die Rechnungszeilen werden nach dem letzten Import indiziert; sie erscheinen hier in Kürze.
web-col-date = Datum
web-col-document = Beleg
web-col-position = Pos.
web-col-product = Artikel
web-col-quantity = Menge
web-col-cost = Kosten

web-healthz-ok = ok

web-password-too-short = Das Passwort muss mindestens { $min } Zeichen haben.
    hint: ein längeres wählen, z. B. vier Wörter ohne Zusammenhang
web-user-name-invalid = `{ $name }` kann kein Benutzername sein: 1 bis 64 Buchstaben, Ziffern, `.`, `_`, `-` oder `@`.
    hint: z. B. `anna.schmidt`
web-no-such-user = Es gibt keinen Benutzer `{ $name }`.
    hint: `kundenwert user list` zeigt sie
web-password-missing = Kein Passwort auf der Standardeingabe.
web-password-missing-hint = z. B. `printf '%s\n' 'vier Wörter ohne Zusammenhang' | kundenwert user add anna --role editor`
web-user-added = Benutzer `{ $name }` angelegt ({ $role }).
web-user-password-set = Passwort von `{ $name }` gesetzt.
web-user-role-set = `{ $name }` ist jetzt { $role }.
web-user-removed = Benutzer `{ $name }` entfernt; seine Sitzungen und Tokens sind beendet.
web-token-no-admin = Es gibt keinen Administrator, dessen Rolle ein Token tragen könnte.
web-token-no-admin-hint = einen Benutzer mit `--user NAME` nennen oder einen Administrator anlegen: `kundenwert user add NAME --role admin`
web-token-created = Token `{ $name }` für `{ $user }` (nur jetzt sichtbar; als `Authorization: Bearer …` senden):
web-token-no-such = Es gibt kein Token mit der Id { $id }.
web-token-revoked = Token { $id } widerrufen.

web-chart-no-data = Noch keine Daten.
web-chart-share-of-customers = Anteil der Kunden (die besten zuerst)
web-chart-share-of-margin = Kumulierter Anteil am Deckungsbeitrag
web-chart-past = Deckungsbeitrag je Monat
web-chart-abc-customers = Anteil der Kunden
web-chart-abc-value = Anteil am aktuellen Wert
web-chart-share = Anteil
