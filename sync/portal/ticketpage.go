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

// ticketText is the page language for a number drawn in lang (Leichte
// Sprache and unknown languages: German) and its phrases.
func ticketText(lang string) (string, ticketPhrases) {
	base, _, _ := strings.Cut(lang, "-")
	if tx, ok := ticketTexts[base]; ok && lang != "de-x-ls" {
		return base, tx
	}
	return "de", ticketTexts["de"]
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
