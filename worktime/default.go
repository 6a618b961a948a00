package worktime

// The default calendar of a regency office in WITA: the ASN week of Perpres 21/2023 with its
// breaks, Ramadan 1447 H with Pemkab Wajo's Ramadan hours, and the 2025 and 2026 national
// holidays and cuti bersama of the SKB 3 Menteri (../shared/facts/working-calendar.md has the
// sources). Movable holidays are dated entries: a yearly "MM-DD" is right only for fixed dates.
// Next year's decree is added by the operator (Kalender kerja, starter calendar import).

// DefaultSpec is the calendar a fresh installation starts with.
func DefaultSpec() Spec {
	return Spec{
		TimeZone: DefaultTimeZone,
		Week:     asnWeek(),
		Periods:  []Period{{Name: "Ramadan 1447 H", From: "2026-02-19", To: "2026-03-20", Week: ramadanWeek()}},
		Holidays: append(fixedHolidays(), datedHolidays...),
	}
}

// asnWeek is 37.5 hours: Mon–Thu 07:30–16:00 less 12:00–13:00, Fri 07:30–16:30 less 11:30–13:00.
func asnWeek() []Hours {
	var w []Hours
	for _, d := range []string{"mon", "tue", "wed", "thu"} {
		w = append(w, Hours{Day: d, From: "07:30", To: "16:00", Breaks: []Span{{From: "12:00", To: "13:00"}}})
	}
	return append(w, Hours{Day: "fri", From: "07:30", To: "16:30", Breaks: []Span{{From: "11:30", To: "13:00"}}})
}

// ramadanWeek is Pemkab Wajo's (SE 800.1.62/458/SETDA, 1445 H): Mon–Thu 08:00–15:00 less
// 12:00–12:30, Fri 08:00–15:30 less 12:00–13:00.
func ramadanWeek() []Hours {
	var w []Hours
	for _, d := range []string{"mon", "tue", "wed", "thu"} {
		w = append(w, Hours{Day: d, From: "08:00", To: "15:00", Breaks: []Span{{From: "12:00", To: "12:30"}}})
	}
	return append(w, Hours{Day: "fri", From: "08:00", To: "15:30", Breaks: []Span{{From: "12:00", To: "13:00"}}})
}

// fixedHolidays fall on the same date every year.
func fixedHolidays() []Holiday {
	return []Holiday{
		{Date: "01-01", Name: "Tahun Baru Masehi", Kind: National},
		{Date: "05-01", Name: "Hari Buruh Internasional", Kind: National},
		{Date: "06-01", Name: "Hari Lahir Pancasila", Kind: National},
		{Date: "08-17", Name: "Hari Kemerdekaan RI", Kind: National},
		{Date: "12-25", Name: "Hari Raya Natal", Kind: National},
	}
}

var datedHolidays = []Holiday{
	{Date: "2025-01-27", Name: "Isra Mikraj Nabi Muhammad SAW", Kind: National},
	{Date: "2025-01-28", Name: "Cuti bersama Tahun Baru Imlek", Kind: Collective},
	{Date: "2025-01-29", Name: "Tahun Baru Imlek 2576 Kongzili", Kind: National},
	{Date: "2025-03-28", Name: "Cuti bersama Hari Suci Nyepi", Kind: Collective},
	{Date: "2025-03-29", Name: "Hari Suci Nyepi Tahun Baru Saka 1947", Kind: National},
	{Date: "2025-03-31", Name: "Idulfitri 1446 H", Kind: National},
	{Date: "2025-04-01", Name: "Idulfitri 1446 H", Kind: National},
	{Date: "2025-04-02", Name: "Cuti bersama Idulfitri", Kind: Collective},
	{Date: "2025-04-03", Name: "Cuti bersama Idulfitri", Kind: Collective},
	{Date: "2025-04-04", Name: "Cuti bersama Idulfitri", Kind: Collective},
	{Date: "2025-04-07", Name: "Cuti bersama Idulfitri", Kind: Collective},
	{Date: "2025-04-18", Name: "Wafat Yesus Kristus", Kind: National},
	{Date: "2025-04-20", Name: "Kebangkitan Yesus Kristus (Paskah)", Kind: National},
	{Date: "2025-05-12", Name: "Hari Raya Waisak 2569 BE", Kind: National},
	{Date: "2025-05-13", Name: "Cuti bersama Hari Raya Waisak", Kind: Collective},
	{Date: "2025-05-29", Name: "Kenaikan Yesus Kristus", Kind: National},
	{Date: "2025-05-30", Name: "Cuti bersama Kenaikan Yesus Kristus", Kind: Collective},
	{Date: "2025-06-06", Name: "Iduladha 1446 H", Kind: National},
	{Date: "2025-06-09", Name: "Cuti bersama Iduladha", Kind: Collective},
	{Date: "2025-06-27", Name: "1 Muharam Tahun Baru Islam 1447 H", Kind: National},
	{Date: "2025-08-18", Name: "Cuti bersama HUT RI ke-80", Kind: Collective},
	{Date: "2025-09-05", Name: "Maulid Nabi Muhammad SAW", Kind: National},
	{Date: "2025-12-26", Name: "Cuti bersama Kelahiran Yesus Kristus", Kind: Collective},
	{Date: "2026-01-16", Name: "Isra Mikraj Nabi Muhammad SAW", Kind: National},
	{Date: "2026-02-16", Name: "Cuti bersama Tahun Baru Imlek", Kind: Collective},
	{Date: "2026-02-17", Name: "Tahun Baru Imlek 2577 Kongzili", Kind: National},
	{Date: "2026-03-18", Name: "Cuti bersama Hari Suci Nyepi", Kind: Collective},
	{Date: "2026-03-19", Name: "Hari Suci Nyepi Tahun Baru Saka 1948", Kind: National},
	{Date: "2026-03-20", Name: "Cuti bersama Idulfitri", Kind: Collective},
	{Date: "2026-03-21", Name: "Idulfitri 1447 H", Kind: National},
	{Date: "2026-03-22", Name: "Idulfitri 1447 H", Kind: National},
	{Date: "2026-03-23", Name: "Cuti bersama Idulfitri", Kind: Collective},
	{Date: "2026-03-24", Name: "Cuti bersama Idulfitri", Kind: Collective},
	{Date: "2026-04-03", Name: "Wafat Yesus Kristus", Kind: National},
	{Date: "2026-04-05", Name: "Kebangkitan Yesus Kristus (Paskah)", Kind: National},
	{Date: "2026-05-14", Name: "Kenaikan Yesus Kristus", Kind: National},
	{Date: "2026-05-15", Name: "Cuti bersama Kenaikan Yesus Kristus", Kind: Collective},
	{Date: "2026-05-27", Name: "Iduladha 1447 H", Kind: National},
	{Date: "2026-05-28", Name: "Cuti bersama Iduladha", Kind: Collective},
	{Date: "2026-05-31", Name: "Hari Raya Waisak 2570 BE", Kind: National},
	{Date: "2026-06-16", Name: "1 Muharam Tahun Baru Islam 1448 H", Kind: National},
	{Date: "2026-08-25", Name: "Maulid Nabi Muhammad SAW", Kind: National},
	{Date: "2026-12-24", Name: "Cuti bersama Kelahiran Yesus Kristus", Kind: Collective},
}
