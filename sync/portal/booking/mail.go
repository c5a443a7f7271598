package booking

// The mail that confirms a booking, in the resident's language ({title},
// {when}, {code}, {link} and {by} filled in). Leichte Sprache and a
// language without its own text: German.
type mailText struct{ subject, body string }

var confirmMails = map[string]mailText{
	"de": {"Bitte bestätigen Sie Ihren Termin", `Guten Tag,

Sie haben einen Termin gebucht: {title}, am {when} Uhr (Code {code}).

Bitte bestätigen Sie ihn bis {by} Uhr über diesen Link:
{link}

Ohne Bestätigung wird die Zeit wieder frei. Haben Sie nichts gebucht,
müssen Sie nichts tun.
`},
	"de-x-ls": {"Bitte bestätigen Sie Ihren Termin", `Guten Tag,

Sie haben einen Termin gemacht.
Termin: {title}
Wann: {when} Uhr
Ihr Code: {code}

Bitte klicken Sie auf diesen Link.
Dann ist der Termin fest.
{link}

Bitte machen Sie das bis {by} Uhr.
Sonst ist der Termin weg.

Sie haben keinen Termin gemacht?
Dann müssen Sie nichts tun.
`},
	"en": {"Please confirm your appointment", `Hello,

You booked an appointment: {title}, on {when} (code {code}).

Please confirm it by {by} with this link:
{link}

If it is not confirmed, the time is released. If you did not book
anything, you need not do anything.
`},
	"tr": {"Lütfen randevunuzu onaylayın", `Merhaba,

Bir randevu aldınız: {title}, {when} (kod {code}).

Lütfen saat {by}'e kadar bu bağlantıyla onaylayın:
{link}

Onaylanmazsa saat yeniden boşa çıkar. Randevu almadıysanız bir şey
yapmanız gerekmez.
`},
	"uk": {"Будь ласка, підтвердьте свій запис", `Добрий день!

Ви записалися: {title}, {when} (код {code}).

Будь ласка, підтвердьте запис до {by} за цим посиланням:
{link}

Без підтвердження час знову стане вільним. Якщо ви не записувалися,
нічого робити не потрібно.
`},
	"ru": {"Пожалуйста, подтвердите свою запись", `Здравствуйте!

Вы записались: {title}, {when} (код {code}).

Пожалуйста, подтвердите запись до {by} по этой ссылке:
{link}

Без подтверждения время снова станет свободным. Если вы не
записывались, ничего делать не нужно.
`},
	"pl": {"Prosimy o potwierdzenie terminu", `Dzień dobry,

Zarezerwowano termin: {title}, {when} (kod {code}).

Prosimy o potwierdzenie do godz. {by} przez ten link:
{link}

Bez potwierdzenia termin znów będzie wolny. Jeśli nie rezerwowałeś
terminu, nie musisz nic robić.
`},
}

// confirmMail is the confirmation mail in lang.
func confirmMail(lang string) mailText {
	if m, ok := confirmMails[lang]; ok {
		return m
	}
	return confirmMails["de"]
}
