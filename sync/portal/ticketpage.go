package portal

import (
	"fmt"
	"strings"
)

// ticketPhrases are the texts of a waiting number's page in one language:
// the page speaks the language the number was drawn in.
type ticketPhrases struct {
	title, drawn, next, one, many, called, parked, noshow, done, estimate, valid, hint string
}

var ticketTexts = map[string]ticketPhrases{
	"de": {"Ihre Wartenummer %s", "Gezogen am %s.", "Sie sind als Nächstes dran. Bitte bleiben Sie in der Nähe der Anzeige.",
		"Vor Ihnen wartet noch 1 Person.", "Vor Ihnen warten noch %d Personen.", "Sie werden aufgerufen: bitte gehen Sie jetzt zu %s.",
		"Ihre Nummer ist zurückgestellt. Sie werden wieder aufgerufen.", "Ihre Nummer wurde dreimal aufgerufen. Bitte melden Sie sich am Schalter.",
		"Ihre Nummer ist erledigt.", "Geschätzte Wartezeit: etwa %d–%d Minuten.", "Die Nummer gilt nur an diesem Tag.",
		"Bitte bleiben Sie im Wartebereich. Ihre Nummer wird auf dem Bildschirm angezeigt und aufgerufen."},
	"en": {"Your number %s", "Drawn on %s.", "You are next. Please stay near the display.",
		"1 person is waiting before you.", "%d people are waiting before you.", "You are being called: please go to %s now.",
		"Your number has been put aside. You will be called again.", "Your number was called three times. Please come to the counter.",
		"Your number has been dealt with.", "Estimated wait: about %d–%d minutes.", "The number is valid on this day only.",
		"Please stay in the waiting area. Your number will be shown and called."},
	"tr": {"Sıra numaranız %s", "%s tarihinde alındı.", "Sıradaki sizsiniz. Lütfen ekranın yakınında kalın.",
		"Sizden önce 1 kişi bekliyor.", "Sizden önce %d kişi bekliyor.", "Çağrılıyorsunuz: %s. Lütfen şimdi oraya gidin.",
		"Numaranız bekletmeye alındı. Tekrar çağrılacaksınız.", "Numaranız üç kez çağrıldı. Lütfen gişeye başvurun.",
		"Numaranızın işlemi tamamlandı.", "Tahmini bekleme: yaklaşık %d–%d dakika.", "Numara yalnızca bugün geçerlidir.",
		"Lütfen bekleme alanında kalın. Numaranız ekranda gösterilecek ve çağrılacaktır."},
	"uk": {"Ваш номер %s", "Отримано %s.", "Ви наступні. Будь ласка, залишайтеся біля табло.",
		"Перед вами ще 1 людина.", "Перед вами ще людей: %d.", "Вас викликають: будь ласка, пройдіть зараз до %s.",
		"Ваш номер відкладено. Вас викличуть знову.", "Ваш номер викликали тричі. Будь ласка, зверніться до віконця.",
		"Ваш номер опрацьовано.", "Орієнтовне очікування: приблизно %d–%d хвилин.", "Номер дійсний лише сьогодні.",
		"Будь ласка, залишайтеся в зоні очікування. Ваш номер покажуть на табло і викличуть."},
	"ru": {"Ваш номер %s", "Получен %s.", "Вы следующий. Пожалуйста, оставайтесь рядом с табло.",
		"Перед вами ещё 1 человек.", "Перед вами ещё человек: %d.", "Вас вызывают: пожалуйста, пройдите сейчас к %s.",
		"Ваш номер отложен. Вас вызовут снова.", "Ваш номер вызывали три раза. Пожалуйста, обратитесь к окошку.",
		"Ваш номер обработан.", "Примерное ожидание: около %d–%d минут.", "Номер действителен только сегодня.",
		"Пожалуйста, оставайтесь в зоне ожидания. Ваш номер покажут на табло и вызовут."},
	"pl": {"Twój numer %s", "Pobrano %s.", "Jesteś następny. Prosimy pozostać w pobliżu tablicy.",
		"Przed Tobą czeka jeszcze 1 osoba.", "Przed Tobą czeka jeszcze osób: %d.", "Jesteś wywoływany: prosimy podejść teraz do %s.",
		"Twój numer został odłożony. Zostaniesz wywołany ponownie.", "Twój numer wywołano trzy razy. Prosimy zgłosić się do okienka.",
		"Twój numer został obsłużony.", "Szacowany czas oczekiwania: około %d–%d minut.", "Numer jest ważny tylko dzisiaj.",
		"Prosimy pozostać w poczekalni. Twój numer zostanie wyświetlony i wywołany."},
}

// pageLang is the language a resident's page is written in for a visitor
// who used lang at the kiosk: Leichte Sprache and unknown languages get
// German.
func pageLang(lang string) string {
	base, _, _ := strings.Cut(lang, "-")
	if _, ok := ticketTexts[base]; ok && lang != "de-x-ls" {
		return base
	}
	return "de"
}

// ticketText is the page language for a number drawn in lang and its
// phrases.
func ticketText(lang string) (string, ticketPhrases) {
	l := pageLang(lang)
	return l, ticketTexts[l]
}

// casePhrases are the texts of a reference code's status page in one
// language: the receipt's QR code names the visitor's language.
type casePhrases struct {
	title, unknownTitle string
	unknown             []string
	states              map[string][]string
	// reason introduces the office's note, written in German by staff.
	reason string
}

var caseTexts = map[string]casePhrases{
	"de": {"Ihr Anliegen %s", "Vorgang nicht gefunden", []string{
		"Zu diesem Code kennen wir noch keinen Vorgang.",
		"Wenn Sie Ihr Anliegen eben erst am Kiosk abgegeben haben, kann es ein paar Stunden dauern, bis es hier erscheint.",
		"Bei Fragen hilft Ihnen der Schalter im Bürgerbüro."}, map[string][]string{
		"received": {"Ihr Anliegen ist bei uns eingegangen.", "Es wird bearbeitet. Sie müssen nichts weiter tun."},
		"accepted": {"Ihr Anliegen ist bearbeitet und angenommen.", "Wenn Sie noch etwas erhalten, bekommen Sie es per Post."},
		"rejected": {"Ihr Anliegen konnte so nicht angenommen werden.", "Bitte kommen Sie zum Schalter im Bürgerbüro. Dort hilft man Ihnen weiter."},
	}, "Hinweis des Bürgerbüros: %s"},
	"en": {"Your matter %s", "Case not found", []string{
		"We do not know a case with this code yet.",
		"If you have just handed in your matter at the kiosk, it can take a few hours to appear here.",
		"The counter at the citizens' office will help you with any questions."}, map[string][]string{
		"received": {"Your matter has reached us.", "It is being dealt with. You need not do anything else."},
		"accepted": {"Your matter has been dealt with and accepted.", "If anything else is to come, you will receive it by post."},
		"rejected": {"Your matter could not be accepted as it is.", "Please come to the counter at the citizens' office. They will help you there."},
	}, "Note from the office (in German): %s"},
	"tr": {"Başvurunuz %s", "Başvuru bulunamadı", []string{
		"Bu koda ait bir başvuru henüz bilinmiyor.",
		"Başvurunuzu az önce kioskta verdiyseniz, burada görünmesi birkaç saat sürebilir.",
		"Sorularınız için vatandaş bürosundaki gişe size yardımcı olur."}, map[string][]string{
		"received": {"Başvurunuz bize ulaştı.", "İşleme alındı. Başka bir şey yapmanız gerekmiyor."},
		"accepted": {"Başvurunuz işlendi ve kabul edildi.", "Size gönderilecek bir şey varsa posta ile gelecek."},
		"rejected": {"Başvurunuz bu haliyle kabul edilemedi.", "Lütfen vatandaş bürosundaki gişeye gelin. Orada size yardımcı olunacak."},
	}, "Büronun notu (Almanca): %s"},
	"uk": {"Ваша справа %s", "Справу не знайдено", []string{
		"Справи з цим кодом ми ще не знаємо.",
		"Якщо ви щойно подали звернення в кіоску, воно може з’явитися тут лише за кілька годин.",
		"З питаннями вам допоможуть біля віконця в бюро громадян."}, map[string][]string{
		"received": {"Ваше звернення надійшло до нас.", "Його опрацьовують. Вам більше нічого не потрібно робити."},
		"accepted": {"Ваше звернення опрацьовано і прийнято.", "Якщо вам ще щось надішлють, ви отримаєте це поштою."},
		"rejected": {"Ваше звернення не вдалося прийняти в такому вигляді.", "Будь ласка, прийдіть до віконця в бюро громадян. Там вам допоможуть."},
	}, "Примітка бюро (німецькою): %s"},
	"ru": {"Ваше дело %s", "Дело не найдено", []string{
		"Дела с этим кодом мы пока не знаем.",
		"Если вы только что подали обращение в киоске, оно может появиться здесь через несколько часов.",
		"С вопросами вам помогут у окошка в бюро граждан."}, map[string][]string{
		"received": {"Ваше обращение поступило к нам.", "Оно в работе. Больше ничего делать не нужно."},
		"accepted": {"Ваше обращение рассмотрено и принято.", "Если вам что-то ещё пришлют, вы получите это по почте."},
		"rejected": {"Ваше обращение не удалось принять в таком виде.", "Пожалуйста, подойдите к окошку в бюро граждан. Там вам помогут."},
	}, "Примечание бюро (на немецком): %s"},
	"pl": {"Twoja sprawa %s", "Nie znaleziono sprawy", []string{
		"Nie znamy jeszcze sprawy o tym kodzie.",
		"Jeśli sprawa została właśnie złożona w kiosku, może pojawić się tutaj dopiero po kilku godzinach.",
		"W razie pytań pomoże okienko w biurze obsługi mieszkańców."}, map[string][]string{
		"received": {"Twoja sprawa do nas dotarła.", "Jest w trakcie załatwiania. Nie musisz nic więcej robić."},
		"accepted": {"Twoja sprawa została załatwiona i przyjęta.", "Jeśli coś jeszcze otrzymasz, przyjdzie to pocztą."},
		"rejected": {"Twojej sprawy nie można było przyjąć w tej formie.", "Prosimy przyjść do okienka w biurze obsługi mieszkańców. Tam otrzymasz pomoc."},
	}, "Uwaga biura (po niemiecku): %s"},
}

// lines say where a number stands.
func (tx ticketPhrases) lines(state, counter string, ahead int) []string {
	switch state {
	case "waiting":
		switch ahead {
		case 0:
			return []string{tx.next}
		case 1:
			return []string{tx.one}
		}
		return []string{fmt.Sprintf(tx.many, ahead)}
	case "called", "serving":
		return []string{fmt.Sprintf(tx.called, counter)}
	case "parked":
		return []string{tx.parked}
	case "noshow":
		return []string{tx.noshow}
	}
	return []string{tx.done}
}
