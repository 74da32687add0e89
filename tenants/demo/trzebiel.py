"""Trzebiel's plan 2024-2029, programme part, transcribed from `seeds/000_6915615f3d654f95.txt`
as written: wording, typos and numbering gaps kept. The document names responsible
institutions per specific goal; each of its actions carries them."""

from __future__ import annotations

from typing import Any

from tenants.plans.programme.values import Programme

OPS, GMINA, NGO, TENDER, OKIB, SCHOOLS = "ops", "gmina_office", "ngo", "tender_winners", "culture_centre", "schools"
COORD, PRIVATE, GKRPA, HEALTH = "accessibility_coordinator", "private", "gkrpa", "health_care"


def _sg(
    number: str, text: str, actions: list[tuple[str, str]], institutions: list[str], other: str = ""
) -> dict[str, Any]:
    return {
        "number": number,
        "text": text,
        "actions": [
            {"number": n, "text": t, "institutions": institutions, "institutions_other": other} for n, t in actions
        ],
    }


SENIORS = {
    "code": "seniors",
    "goals": [
        {
            "number": "1",
            "text": "Rozwój systemu służącego aktywizacji i zapewnienia wsparcia seniorów na terenie Gminy Trzebiel, "
            "ze szczególnym uwzględnieniem deinstytucjonalizacji usług.",
            "specific_goals": [
                _sg(
                    "1.",
                    "Zapewnienie dostępu do różnych form opieki i wsparcia dla osób starszych wymagających "
                    "wsparcia w codziennym funkcjonowaniu",
                    [
                        (
                            "1)",
                            "Wsparcie osób starszych poprzez zwiększenie dostępu do usług opiekuńczych, "
                            "specjalistycznych usług opiekuńczych, poradnictwa specjalistycznego, w tym zdrowotnego, usług "
                            "asystenta osoby starszej, usług transportowych, usług pielęgnacyjnych typu fryzjer i "
                            "kosmetyczka, usług porządkowo- naprawczych „złota rączka” itp.",
                        ),
                        (
                            "2)",
                            "Rozwój usług społecznych na rzecz rodzin i osób sprawujących funkcję opiekuna faktycznego "
                            "osoby starszej, takich jak np.: szkolenia dla opiekunów nieformalnych, poradnictwo "
                            "specjalistyczne, w tym prawne, psychologiczne i rodzinne, a także wsparcie informacyjne,",
                        ),
                        (
                            "3)",
                            "Podnoszenie kompetencji i kwalifikacji kandydatów oraz personelu w zakresie świadczenia "
                            "usług w środowisku, poprzez m.in. udział w szkoleniach",
                        ),
                    ],
                    [OPS, GMINA, NGO, TENDER],
                ),
                _sg(
                    "2.",
                    "Rozszerzenie oferty zagospodarowania czasu wolnego, integracji osób starszych ze "
                    "społecznością lokalną, tworzenie inicjatyw oddolnych dedykowanych tej grupie społecznej poprzez "
                    "organizowanie społeczności lokalnej",
                    [
                        (
                            "1)",
                            "Pobudzanie aktywności obywatelskiej poprzez organizowanie społeczności lokalnej z "
                            "włączeniem osób starszych,",
                        ),
                        (
                            "2)",
                            "Tworzenie, rozwój i wsparcie funkcjonowania różnego typu podmiotów w środowiskach "
                            "lokalnych, adekwatnych do potrze osób starszych, w tym klubów seniora tych istniejących jak i "
                            "nowych, klubów animacji społecznej i innych,",
                        ),
                    ],
                    [OPS, GMINA, OKIB, NGO, SCHOOLS],
                ),
                _sg(
                    "3.",
                    "Zwiększenie dostępności do usług transportowych od drzwi do drzwi (door-to-door) dla osób "
                    "starszych",
                    [("1)", "Uruchomienie TAXI dla seniora")],
                    [OPS, GMINA, NGO],
                ),
                _sg(
                    "4.",
                    "Zwiększenie dostępności do porad prawnych dla seniorów",
                    [
                        ("2)", "Zwiększenie ilości godzin porad prawnych dostępnych dla seniorów w gminie."),
                    ],
                    [OPS, GMINA, TENDER],
                    "lub podmiot do tego wyłoniony (np. w formie konkursu)",
                ),
            ],
        },
        {
            "number": "2",
            "text": "Poszerzenie działań z zakresu wsparcia środowiskowego",
            "specific_goals": [
                _sg(
                    "1.",
                    "Utworzenie Domu Dziennego Pobytu dla osób starszych i osób z niepełnosprawnościami",
                    [
                        ("1)", "Utworzenie Domu Dziennego Pobytu dla osób starszych i osób z niepełnosprawnościami"),
                    ],
                    [GMINA, OPS],
                ),
                _sg(
                    "2.",
                    "Utworzenie mieszkań wspomaganych dla seniorów oraz osób z niepełnosprawnościami",
                    [
                        ("1)", "Utworzenie mieszkań wspomaganych dla seniorów oraz osób z niepełnosprawnościami"),
                    ],
                    [GMINA, OPS],
                ),
            ],
        },
    ],
}

DISABILITY = {
    "code": "disability",
    "goals": [
        {
            "number": "1",
            "text": "Rozwój usług wsparcia osób z niepełnosprawnością",
            "specific_goals": [
                _sg(
                    "1.",
                    "Zapewnienie dostępu do różnych form opieki i wsparcia dla osób z niepełnosprawnościami "
                    "wymagających wsparcia w codziennym funkcjonowaniu",
                    [
                        # Copied word for word from the seniors' group, as in the document.
                        (
                            "1)",
                            "Wsparcie osób starszych poprzez zwiększenie dostępu do usług opiekuńczych, "
                            "specjalistycznych usług opiekuńczych, poradnictwa specjalistycznego, w tym zdrowotnego, usług "
                            "asystenta osoby starszej, usług transportowych, usług pielęgnacyjnych typu fryzjer i "
                            "kosmetyczka, usług porządkowo- naprawczych „złota rączka” itp.",
                        ),
                        (
                            "2)",
                            "Podnoszenie kompetencji i kwalifikacji kandydatów oraz personelu w zakresie świadczenia "
                            "usług w środowisku, poprzez m.in. udział w szkoleniach",
                        ),
                        ("3)", "Rozwój usług opiekuńczych w miejscu zamieszkania"),
                    ],
                    [COORD, OPS, NGO, GMINA, PRIVATE, TENDER],
                ),
                _sg(
                    "2.",
                    "Zwiększenie dostępu do usług specjalistycznych z zakresu profilaktyki zdrowia dla osób z "
                    "niepełnosprawnościami",
                    [
                        (
                            "1)",
                            "Rozwój usług specjalistycznych, mobilnych i stacjonarnych, typu: rehabilitacja, "
                            "fizjoterapia, dietetyk, logopeda, podolog, i innych w miarę wskazanych potrzeb,",
                        ),
                    ],
                    [OPS, NGO, GMINA, TENDER],
                ),
                _sg(
                    "3.",
                    "Zwiększenie dostępu do działań integrujących, samopomocowych dla osób z "
                    "niepełnosprawnościami i ich otoczenia",
                    [
                        (
                            "1)",
                            "Integrowanie osób zależnych i ich rodzin ze społecznością lokalną poprzez inicjowanie "
                            "grup wsparcia, spotkań informacyjno-integracyjnych w ramach organizowania społeczności "
                            "lokalnej,",
                        ),
                    ],
                    [OPS, GMINA, NGO, OKIB, SCHOOLS],
                ),
            ],
        },
        {
            "number": "2",
            "text": "Poprawa jakości opieki świadczonej osobie zależnej oraz poprawa relacji pomiędzy opiekunem i "
            "osobą starszą zależna dla opiekunów osób starszych zależnych",
            "specific_goals": [
                _sg(
                    "1.",
                    "Poprawa jakości życia, stanu wiedzy oraz samopoczucia psychicznego opiekunów osób starszych "
                    "zależnych",
                    [
                        (
                            "1)",
                            "Rozwój usług społecznych na rzecz rodzin i osób sprawujących funkcję opiekuna osoby z "
                            "niepełnosprawnością, takich jak np.: szkolenie z pierwszej pomocy, kurs opieki nad chorym w "
                            "domu w zakresie dbania o higienę i pielęgnację, sposobu żywienia, zasad podawania leków itp., "
                            "wsparcie psychologiczne, prawne i inne według zgłaszanych potrzeb",
                        ),
                    ],
                    [COORD, OPS, NGO, PRIVATE, TENDER],
                ),
                _sg(
                    "2.",
                    "Wzmocnienie wsparcia i opieka wytchnieniowa dla opiekunów osób zależnych",
                    [
                        ("1)", "Rozwój wsparcia w formie opieki wytchnieniowej,"),
                        (
                            "2)",
                            "Doposażenie wypożyczalni sprzętu rehabilitacyjnego i pomocniczego dla osób zależnych i "
                            "opiekunów osób zależnych",
                        ),
                    ],
                    [COORD, OPS, NGO, GMINA, PRIVATE, TENDER],
                ),
            ],
        },
    ],
}

MENTAL_HEALTH = {
    "code": "mental_health",
    "goals": [
        {
            "number": "1",
            "text": "Rozwój działań z zakresu profilaktyki kryzysu psychicznego",
            "specific_goals": [
                _sg(
                    "1.",
                    "Rozwój usług profilaktycznych, edukacyjnych, sportu i rekreacji w zakresie zdrowia i "
                    "uzależnień w szkołach i dla dorosłych w zakresie profilaktyki chorób psychicznych i uzależnień.",
                    [
                        (
                            "1)",
                            "Prowadzenie działań profilaktycznych w szkołach, udział w kampaniach ogólnokrajowych, "
                            "warsztaty rekomendowane, promowanie zdrowego stylu życia, prowadzenie zajęć sportowych, "
                            "rekreacyjnych w szkołach i inne według potrzeb",
                        ),
                        ("2)", "Rozwój profilaktyki i edukacji dla osób dorosłych"),
                    ],
                    [OPS, GKRPA, NGO, OKIB, SCHOOLS, PRIVATE, HEALTH],
                ),
                _sg(
                    "2.",
                    "Poszerzeie działalności Punktu Konsultacyjno Informacyjnego dla Osób Uzależnionych od "
                    "Alkoholu i ich Rodzin poprzez zwiększenie wsparcia indywidualnego dla osób w kryzysie "
                    "psychicznym",
                    [
                        ("1)", "Zwiększenie godzin psychologa"),
                        (
                            "2)",
                            "Prowadzenie Klubu Dobrostanu dla dzieci i młodzieży, w tym m.in.: a) Wprowadzenie usług "
                            "terapeuty uzależnień dla dzieci i młodzieży, b) Udostepnienie usług psychoterapeuty dla "
                            "dzieci i młodzieży",
                        ),
                    ],
                    [OPS, GKRPA, NGO, HEALTH],
                ),
                _sg(
                    "3.",
                    "Poszerzenie działań wspierających rodzinę w sytuacji kryzysu psychicznego",
                    [
                        ("1)", "Realizacja programów rekomendowanych profilaktyki uniwersalnej: Szkoła dla Rodziców"),
                        (
                            "2)",
                            "Realizacja programów rekomendowanych profilaktyki uniwersalnej: Program Wzmocnienia "
                            "Rodziny",
                        ),
                    ],
                    [OPS, NGO, GKRPA, HEALTH],
                ),
                _sg(
                    "4.",
                    "Zwiększenie dostępu do działań integrujących i samopomocowych dla osób w kryzysie psychicznym.",
                    [
                        (
                            "1)",
                            "Integracja środowiska osób w kryzysie psychicznym i ich rodzin poprzez inicjowanie grup "
                            "wsparcia, szkoleń, spotkań informacyjno-integracyjnych w ramach organizowania społeczności "
                            "lokalnej",
                        ),
                    ],
                    [OPS, GKRPA, GMINA, OKIB, SCHOOLS],
                ),
            ],
        },
    ],
}

FAMILY = {
    "code": "family",
    "goals": [
        {
            "number": "1",
            "text": "Zapewnienie dostępu szerokiej i kompleksowej oferty wsparcia dla rodzin wychowujących dzieci "
            "(biologicznych, zastępczych, adopcyjnych)",
            "specific_goals": [
                _sg(
                    "1.",
                    "Udostępnienie usług specjalistycznych dla dzieci ze specjalnymi potrzebami.",
                    [
                        ("1)", "Stworzenie warunków i realizacja integracji sensorycznej"),
                        ("2)", "Udostępnienie dogoterapii"),
                        ("3)", "Zwiększenie godzin logopedy w systemie pozaszkolnym"),
                    ],
                    [GMINA, OPS, NGO, SCHOOLS],
                ),
                _sg(
                    "2.",
                    "Rozwijanie kompetencji rodzicielskich i zwiększanie świadomości rodziców w zakresie "
                    "obowiązków wychowawczych",
                    [
                        ("1)", "Szkoła dla Rodziców"),
                        ("2)", "Program Wzmacniania Rodziny"),
                        (
                            "3)",
                            "Rozwój usług specjalistycznych dla osób i rodzin doświadczających przemocy domowej oraz "
                            "kryzysu poprzez np.: stworzenie grupy wsparcia dla rodzin dotkniętych przemocą, poradnictwo "
                            "specjalistyczne z zakresu psychologicznego, terapeutycznego, pedagogicznego, "
                            "psychiatrycznego",
                        ),
                        ("5)", "Stworzenie warunków do rozwoju asystentury rodzinnej"),
                        ("6)", "Profesjonalizacja wolontariatu OPSu w szkołach"),
                    ],
                    [OPS, GKRPA, GMINA, NGO, SCHOOLS],
                ),
            ],
        },
        {
            "number": "2",
            "text": "Zapewnienie realizacji działań o charakterze aktywizacyjnym, promującym zdrowy styl życia i "
            "zwiększającym kompetencje wychowawcze",
            "specific_goals": [
                _sg(
                    "3.",
                    "Rozwój usług na rzecz osób i rodzin w zakresie rozwoju ich zainteresowań, aktywności "
                    "społecznej, sportowej, edukacyjnej, a także organizacji czasu wolnego.",
                    [
                        ("1)", "Zwiększenie oferty placówek wsparcia dziennego,"),
                        (
                            "2)",
                            "Realizacja działań promujących aktywne wzorce spędzania czasu wolnego i wypoczynku "
                            "rodzinnego,",
                        ),
                        (
                            "3)",
                            "Tworzenie miejsc spotkań w poszczególnych sołectwach służące integracji rodzin ze "
                            "społecznością lokalną, np. Kluby Animacji Lokalnej - miejsca dedykowane określonym grupom "
                            "społecznym",
                        ),
                        ("4)", "Realizacja Programów Aktywności Lokalnej"),
                        ("5)", "Organizowanie społeczności lokalnej"),
                    ],
                    [OPS, NGO, GMINA, SCHOOLS],
                    "sołectwa",
                ),
                _sg(
                    "4.",
                    "Rozwój działań opiekuńczo – wychowawczych dla dzieci do lat 3",
                    [
                        ("1)", "Utrzymanie miejsc dla dzieci w żłobku"),
                    ],
                    [GMINA],
                ),
                _sg(
                    "5.",
                    "Rozwój kompetencji i współpracy instytucji, organizacji pozarządowych i mieszkańców",
                    [
                        ("1)", "Utworzenie Inkubatora NGO"),
                        (
                            "2)",
                            "Animacja współpracy między organizacjami, wymiana pomysłów, tworzenie wspólnych inicjatyw na "
                            "rzecz mieszkańców gminy Trzebiel",
                        ),
                        (
                            "3)",
                            "Pobudzenie społeczności do tworzenia i rozwoju podmiotów ekonomii społecznej w zakresie "
                            "świadczenia usług społecznych",
                        ),
                        ("4)", "Animowanie wolontariatu w Gminie"),
                    ],
                    [GMINA, OPS, OKIB, NGO, SCHOOLS],
                    "lokalni liderzy, mieszkańcy",
                ),
            ],
        },
        # Accessibility and the CUS are cross-cutting, but the document places them under this
        # group as its general goals 3 and 4; kept where the document puts them.
        {
            "number": "3",
            "text": "Zapewnienie dostępności w strategicznych budynkach i instytucjach na terenie Gminy Trzebiel",
            "specific_goals": [
                _sg(
                    "1.",
                    "Zapewnienia dostępności architektonicznej, informacyjno – komunikacyjnej i cyfrowej w "
                    "strategicznych budynkach na terenie gminy Trzebiel",
                    [
                        (
                            "1)",
                            "Stworzenie i wdrożenie Planu zapewnienia dostępności architektonicznej w budynkach "
                            "instytucji strategicznych na terenie Gminy Trzebiel na lata 2024-2029",
                        ),
                        (
                            "2)",
                            "Stworzenie i wdrożenie Planu zapewnienia dostępności informacyjno-komunikacyjnej w "
                            "budynkach instytucji strategicznych na terenie Gminy Trzebiel na lata 2024-2029",
                        ),
                        (
                            "3)",
                            "Stworzenie i wdrożenie Planu zapewnienia dostępności cyfrowej w budynkach instytucji "
                            "strategicznych na terenie Gminy Trzebiel na lata 2024-2029",
                        ),
                    ],
                    [COORD, GMINA, OPS, OKIB, SCHOOLS],
                ),
            ],
        },
        {
            "number": "4",
            "text": "Tworzenie warunków do powstawania i funkcjonowania centrum usług społecznych oraz rozwoju usług "
            "w nim realizowanych",
            "specific_goals": [
                _sg(
                    "1.",
                    "Utworzenie Centrum Usług Społecznych przez przekształcenie Ośrodka Pomocy Społecznej w Trzebielu",
                    [
                        (
                            "1)",
                            "Utworzenie Centrum Usług Społecznych (CUS) przez przekształcenie Ośrodka Pomocy "
                            "Społecznej w Trzebielu",
                        ),
                        (
                            "2)",
                            "Dostosowanie budynku z zasobu Gminy Trzebiel na siedzibę CUS oraz miejsce realizacji "
                            "wybranych usług społecznych",
                        ),
                    ],
                    [GMINA, OPS, COORD],
                ),
            ],
        },
    ],
}

FUNDING = [
    {"source": "gmina_budget", "description": "Środki z budżetu gminy"},
    {"source": "regional_eu", "description": "Fundusze Europejskie dla Lubuskiego 2021- 2027"},
    {"source": "fers", "description": "program Fundusze Europejskie dla Rozwoju Społecznego"},
    {"source": "national", "description": "programy krajowe i fundusze rządowe"},
    {
        "source": "user_payments",
        "description": "wpłaty własne użytkowników, według odrębnych własnych regulaminów usług społecznych",
    },
]

TRZEBIEL_PROGRAMME = Programme.model_validate(
    {"areas": [SENIORS, DISABILITY, MENTAL_HEALTH, FAMILY], "funding": FUNDING}
)
