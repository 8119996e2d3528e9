"""A deterministic corpus of FORMAT.md objects, for benchmarks and the sample content.

    python -m bench.corpus --stories 1000000 --out corpus.ndjson
    python -m bench.corpus --sample --stories 200 --out samples/stories.ndjson

The output is a pure function of the arguments: `--end` defaults to a fixed anchor,
never the wall clock, and the only randomness is `random.Random(str_seed).random()`
(string seeds and the Mersenne Twister sequence are stable across Python versions;
`choice`, `sample` and friends are not, so they are not used), so the same arguments
give the same bytes. Each chunk of 1,000 stories has its own random stream, which lets
`--jobs` make chunks in parallel without changing a byte. Stories come one at a time,
in order of first publication, with constant memory: a million-story corpus streams
straight to disk.

The text is original and template-made: each story draws one set of slot values
(countries, cities, officials, numbers...) and every language variant renders the
same template with them, so translations share their meaning. A small share of
objects is deliberately awkward, because the service must cope with what a newsroom
system really sends: raw `&` and `<` in titles, emoji, NFD-decomposed accents,
XML-forbidden control characters, hostile HTML (`<script>`, `onerror=`,
`javascript:` links), drafts, embargoes, retractions and partial translations.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import sys
import time
import unicodedata
from bisect import bisect
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import chain
from math import sqrt
from pathlib import Path
from typing import Any
from urllib.parse import quote

DEFAULT_END = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
LANGS = ("en", "ar", "es")
EN, AR, ES = 0, 1, 2
DAY = 86400

# ---------------------------------------------------------------------------
# Text data. Blocks are parsed once at import. In record blocks a line
# "@group subject" starts a record; "en ", "ar ", "es " lines give its text, and
# indented lines continue the previous one. `subject` names the slot that the
# Arabic verb agrees with (c1, c2 or org); in Arabic text "{masc|fem}" picks the
# form by that slot's grammatical gender.
# ---------------------------------------------------------------------------

# Country lines: en | ar | Arabic gender | es | region keys | heads of government it
# has (p: a president, m: a prime minister, x: neither); indented lines are its
# cities: en | ar | es.
_COUNTRIES = """
Palestine|فلسطين|f|Palestina|palestine mena|pm
  Gaza|غزة|Gaza
  Ramallah|رام الله|Ramala
  Jenin|جنين|Yenín
  Nablus|نابلس|Nablus
  Khan Younis|خان يونس|Jan Yunis
  Rafah|رفح|Rafah
  Hebron|الخليل|Hebrón
Lebanon|لبنان|m|Líbano|mena|pm
  Beirut|بيروت|Beirut
  Tyre|صور|Tiro
  Sidon|صيدا|Sidón
  Baalbek|بعلبك|Baalbek
Syria|سوريا|f|Siria|mena|pm
  Damascus|دمشق|Damasco
  Aleppo|حلب|Alepo
  Homs|حمص|Homs
  Latakia|اللاذقية|Latakia
Iraq|العراق|m|Irak|mena|pm
  Baghdad|بغداد|Bagdad
  Basra|البصرة|Basora
  Mosul|الموصل|Mosul
  Erbil|أربيل|Erbil
Jordan|الأردن|m|Jordania|mena|m
  Amman|عمان|Ammán
  Irbid|إربد|Irbid
  Aqaba|العقبة|Áqaba
Egypt|مصر|f|Egipto|mena africa|pm
  Cairo|القاهرة|El Cairo
  Alexandria|الإسكندرية|Alejandría
  Ismailia|الإسماعيلية|Ismailía
  Aswan|أسوان|Asuán
Yemen|اليمن|m|Yemen|mena|pm
  Sanaa|صنعاء|Saná
  Aden|عدن|Adén
  Hodeidah|الحديدة|Hodeida
Saudi Arabia|السعودية|f|Arabia Saudí|mena|m
  Riyadh|الرياض|Riad
  Jeddah|جدة|Yeda
Qatar|قطر|f|Catar|mena|m
  Doha|الدوحة|Doha
Oman|سلطنة عمان|f|Omán|mena|x
  Muscat|مسقط|Mascate
  Salalah|صلالة|Salalah
Kuwait|الكويت|f|Kuwait|mena|m
  Kuwait City|مدينة الكويت|Ciudad de Kuwait
Iran|إيران|f|Irán|mena asia|p
  Tehran|طهران|Teherán
  Isfahan|أصفهان|Isfahán
  Tabriz|تبريز|Tabriz
Turkey|تركيا|f|Turquía|europe mena|p
  Ankara|أنقرة|Ankara
  Istanbul|إسطنبول|Estambul
  Gaziantep|غازي عنتاب|Gaziantep
Morocco|المغرب|m|Marruecos|africa mena|m
  Rabat|الرباط|Rabat
  Casablanca|الدار البيضاء|Casablanca
  Marrakesh|مراكش|Marrakech
  Tangier|طنجة|Tánger
Algeria|الجزائر|f|Argelia|africa mena|pm
  Algiers|الجزائر العاصمة|Argel
  Oran|وهران|Orán
  Constantine|قسنطينة|Constantina
Tunisia|تونس|f|Túnez|africa mena|pm
  Tunis|تونس العاصمة|Túnez
  Sfax|صفاقس|Sfax
  Sousse|سوسة|Susa
Libya|ليبيا|f|Libia|africa mena|pm
  Tripoli|طرابلس|Trípoli
  Benghazi|بنغازي|Bengasi
  Derna|درنة|Derna
  Misrata|مصراتة|Misrata
Sudan|السودان|m|Sudán|africa mena|pm
  Khartoum|الخرطوم|Jartum
  Port Sudan|بورتسودان|Puerto Sudán
  El Fasher|الفاشر|El Fasher
Niger|النيجر|f|Níger|africa|pm
  Niamey|نيامي|Niamey
  Agadez|أغاديز|Agadez
Mali|مالي|f|Malí|africa|pm
  Bamako|باماكو|Bamako
  Timbuktu|تمبكتو|Tombuctú
Nigeria|نيجيريا|f|Nigeria|africa|p
  Abuja|أبوجا|Abuya
  Lagos|لاغوس|Lagos
Ethiopia|إثيوبيا|f|Etiopía|africa|pm
  Addis Ababa|أديس أبابا|Adís Abeba
Kenya|كينيا|f|Kenia|africa|p
  Nairobi|نيروبي|Nairobi
  Mombasa|مومباسا|Mombasa
South Africa|جنوب أفريقيا|f|Sudáfrica|africa|p
  Johannesburg|جوهانسبرغ|Johannesburgo
  Pretoria|بريتوريا|Pretoria
  Cape Town|كيب تاون|Ciudad del Cabo
Senegal|السنغال|f|Senegal|africa|pm
  Dakar|داكار|Dakar
Russia|روسيا|f|Rusia|europe asia|pm
  Moscow|موسكو|Moscú
  St Petersburg|سانت بطرسبرغ|San Petersburgo
Ukraine|أوكرانيا|f|Ucrania|europe|pm
  Kyiv|كييف|Kiev
  Kharkiv|خاركيف|Járkov
  Odesa|أوديسا|Odesa
France|فرنسا|f|Francia|europe|pm
  Paris|باريس|París
  Marseille|مرسيليا|Marsella
Germany|ألمانيا|f|Alemania|europe|p
  Berlin|برلين|Berlín
  Munich|ميونخ|Múnich
the UK|بريطانيا|f|el Reino Unido|europe|m
  London|لندن|Londres
  Manchester|مانشستر|Mánchester
Spain|إسبانيا|f|España|europe|m
  Madrid|مدريد|Madrid
  Barcelona|برشلونة|Barcelona
  Seville|إشبيلية|Sevilla
Italy|إيطاليا|f|Italia|europe|pm
  Rome|روما|Roma
  Naples|نابولي|Nápoles
Austria|النمسا|f|Austria|europe|p
  Vienna|فيينا|Viena
Greece|اليونان|f|Grecia|europe|pm
  Athens|أثينا|Atenas
China|الصين|f|China|asia asia-pacific|pm
  Beijing|بكين|Pekín
  Shanghai|شنغهاي|Shanghái
India|الهند|f|India|asia|pm
  New Delhi|نيودلهي|Nueva Delhi
  Mumbai|مومباي|Bombay
Pakistan|باكستان|f|Pakistán|asia|pm
  Islamabad|إسلام آباد|Islamabad
  Karachi|كراتشي|Karachi
Afghanistan|أفغانستان|f|Afganistán|asia|m
  Kabul|كابول|Kabul
  Herat|هرات|Herat
Armenia|أرمينيا|f|Armenia|asia europe|pm
  Yerevan|يريفان|Ereván
Azerbaijan|أذربيجان|f|Azerbaiyán|asia europe|pm
  Baku|باكو|Bakú
Japan|اليابان|f|Japón|asia-pacific asia|m
  Tokyo|طوكيو|Tokio
  Osaka|أوساكا|Osaka
South Korea|كوريا الجنوبية|f|Corea del Sur|asia-pacific asia|pm
  Seoul|سيول|Seúl
Indonesia|إندونيسيا|f|Indonesia|asia-pacific|p
  Jakarta|جاكرتا|Yakarta
Malaysia|ماليزيا|f|Malasia|asia-pacific|m
  Kuala Lumpur|كوالالمبور|Kuala Lumpur
Australia|أستراليا|f|Australia|asia-pacific|m
  Canberra|كانبرا|Canberra
  Sydney|سيدني|Sídney
Vietnam|فيتنام|f|Vietnam|asia-pacific|pm
  Hanoi|هانوي|Hanói
Venezuela|فنزويلا|f|Venezuela|latin-america|p
  Caracas|كراكاس|Caracas
  Maracaibo|ماراكايبو|Maracaibo
Cuba|كوبا|f|Cuba|latin-america|pm
  Havana|هافانا|La Habana
Brazil|البرازيل|f|Brasil|latin-america|p
  Brasília|برازيليا|Brasilia
  São Paulo|ساو باولو|São Paulo
  Rio de Janeiro|ريو دي جانيرو|Río de Janeiro
Mexico|المكسيك|f|México|latin-america|p
  Mexico City|مكسيكو سيتي|Ciudad de México
  Monterrey|مونتيري|Monterrey
Argentina|الأرجنتين|f|Argentina|latin-america|p
  Buenos Aires|بوينس آيرس|Buenos Aires
  Córdoba|قرطبة|Córdoba
Colombia|كولومبيا|f|Colombia|latin-america|p
  Bogotá|بوغوتا|Bogotá
  Medellín|ميديلين|Medellín
Chile|تشيلي|f|Chile|latin-america|p
  Santiago|سانتياغو|Santiago
Bolivia|بوليفيا|f|Bolivia|latin-america|p
  La Paz|لاباز|La Paz
Nicaragua|نيكاراغوا|f|Nicaragua|latin-america|p
  Managua|ماناغوا|Managua
the US|الولايات المتحدة|f|Estados Unidos|us-canada|p
  Washington|واشنطن|Washington
  New York|نيويورك|Nueva York
  Chicago|شيكاغو|Chicago
  Los Angeles|لوس أنجلوس|Los Ángeles
Canada|كندا|f|Canadá|us-canada|m
  Ottawa|أوتاوا|Ottawa
  Toronto|تورنتو|Toronto
  Montreal|مونتريال|Montreal
"""

# Organisations: en | ar | Arabic gender | es | groups whose stories name it.
_ORGS = """
the UN|الأمم المتحدة|f|la ONU|pol
the African Union|الاتحاد الأفريقي|m|la Unión Africana|pol
the Arab League|جامعة الدول العربية|f|la Liga Árabe|pol
the Security Council|مجلس الأمن|m|el Consejo de Seguridad|pol
the EU|الاتحاد الأوروبي|m|la UE|pol econ
the IAEA|الوكالة الدولية للطاقة الذرية|f|el OIEA|pol
UNRWA|الأونروا|f|la UNRWA|pol health
the World Food Programme|برنامج الأغذية العالمي|m|el Programa Mundial de Alimentos|pol health
the IMF|صندوق النقد الدولي|m|el FMI|econ
the World Bank|البنك الدولي|m|el Banco Mundial|econ
the WHO|منظمة الصحة العالمية|f|la OMS|health
UNICEF|اليونيسف|f|Unicef|health
the Red Cross|الصليب الأحمر|m|la Cruz Roja|health pol
"""

# Officials: en role | ar (construct state, the country follows) | es (country follows).
_ROLES = """
foreign minister|وزير خارجية|el canciller de|pol
prime minister|رئيس وزراء|el primer ministro de|pol econ tech
defense minister|وزير دفاع|el ministro de Defensa de|pol
president|رئيس|el presidente de|pol tech
interior minister|وزير داخلية|el ministro del Interior de|pol
finance minister|وزير مالية|el ministro de Finanzas de|econ
energy minister|وزير طاقة|el ministro de Energía de|econ
health minister|وزير صحة|el ministro de Salud de|health
"""

# Slot fillers: en | ar | es (| es without article, for diseases).
_ECON_ITEMS = """
fuel prices|أسعار الوقود|los precios del combustible
electricity tariffs|تعرفة الكهرباء|las tarifas eléctricas
interest rates|أسعار الفائدة|los tipos de interés
the minimum wage|الحد الأدنى للأجور|el salario mínimo
import duties|الرسوم الجمركية على الواردات|los aranceles a las importaciones
public-sector salaries|رواتب القطاع العام|los salarios del sector público
bread prices|أسعار الخبز|el precio del pan
"""
_SECTORS = """
agriculture|الزراعة|la agricultura
energy|الطاقة|la energía
housing|الإسكان|la vivienda
education|التعليم|la educación
public health|الصحة العامة|la salud pública
infrastructure|البنية التحتية|las infraestructuras
tourism|السياحة|el turismo
"""
_DISEASES = """
cholera|الكوليرا|el cólera|cólera
measles|الحصبة|el sarampión|sarampión
dengue fever|حمى الضنك|el dengue|dengue
polio|شلل الأطفال|la polio|polio
influenza|الإنفلونزا|la gripe|gripe
malaria|الملاريا|la malaria|malaria
"""
_ARTS = """
calligraphy|الخط العربي|la caligrafía
contemporary painting|الرسم المعاصر|la pintura contemporánea
traditional music|الموسيقى التقليدية|la música tradicional
embroidery|التطريز|el bordado
photography|التصوير الفوتوغرافي|la fotografía
poetry|الشعر|la poesía
ceramics|الخزف|la cerámica
"""
_COMPETITIONS = """
the World Cup|كأس العالم|el Mundial
the Africa Cup of Nations|كأس الأمم الأفريقية|la Copa Africana de Naciones
the Asian Cup|كأس آسيا|la Copa de Asia
the Arab Cup|كأس العرب|la Copa Árabe
"""
# People quoted in stories (invented names): spokesmen, then analysts (women).
_PEOPLE = """
Karim Haddad|كريم حداد|Karim Haddad
Walid Nasr|وليد نصر|Walid Nasr
Fadi Azar|فادي عازار|Fadi Azar
Tarek Mahfouz|طارق محفوظ|Tarek Mahfuz
Ziad Hamdan|زياد حمدان|Ziad Hamdan
Nabil Sabbagh|نبيل صباغ|Nabil Sabbagh
Adel Jaber|عادل جابر|Adel Jaber
Bassam Rifai|بسام الرفاعي|Bassam Rifai
"""
_ANALYSTS = """
Hala Mourad|هالة مراد|Hala Murad
Dina Sabri|دينا صبري|Dina Sabri
Salma Idrissi|سلمى الإدريسي|Salma Idrisi
Reem Nassar|ريم نصار|Reem Nassar
Lina Touma|لينا توما|Lina Touma
Mona Ghanem|منى غانم|Mona Ghanem
"""

_WEEKDAYS = (
    ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
    ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
)

# Counted nouns. Arabic: singular, dual, plural (3-10), accusative singular (11-99).
_COUNTED: dict[str, tuple[tuple[str, ...], ...]] = {
    "killed": (("killed", "killed"), ("قتيل", "قتيلان", "قتلى", "قتيلاً"), ("muerto", "muertos")),
    "injured": (("injured", "injured"), ("جريح", "جريحان", "جرحى", "جريحاً"), ("herido", "heridos")),
    "detainees": (
        ("detainee", "detainees"),
        ("معتقل", "معتقلان", "معتقلين", "معتقلاً"),
        ("detenido", "detenidos"),
    ),
    "days": (("day", "days"), ("يوم", "يومان", "أيام", "يوماً"), ("día", "días")),
    "cases": (("case", "cases"), ("إصابة", "إصابتان", "إصابات", "إصابة"), ("caso", "casos")),
    "artists": (
        ("artist", "artists"),
        ("فنان", "فنانان", "فنانين", "فناناً"),
        ("artista", "artistas"),
    ),
}

_HEADLINES = """
@pol -
en {off1} arrives in {city2} for talks on regional security
ar {off1} يصل إلى {city2} لإجراء محادثات حول الأمن الإقليمي
es {off1} llega a {city2} para conversar sobre seguridad regional
@pol -
en {c1} and {c2} agree to restore diplomatic ties
ar اتفاق بين {c1} و{c2} على استعادة العلاقات الدبلوماسية
es {c1} y {c2} acuerdan restablecer relaciones diplomáticas
@pol c1
en {c1} recalls its ambassador from {c2}
ar {c1} {يستدعي سفيره|تستدعي سفيرها} لدى {c2}
es {c1} llama a consultas a su embajador en {c2}
@pol org
en {org} calls for an immediate ceasefire in {c1}
ar {org} {يدعو|تدعو} إلى وقف فوري لإطلاق النار في {c1}
es {org} pide un alto el fuego inmediato en {c1}
@pol -
en {off1}: "Talks with {c2} have reached a decisive stage"
ar {off1}: المحادثات مع {c2} وصلت إلى مرحلة حاسمة
es {off1}: "Las conversaciones con {c2} han llegado a una fase decisiva"
@pol -
en Protests in {city} continue for {days} in a row
ar الاحتجاجات في {city} تتواصل لليوم الـ{nd} على التوالي
es Las protestas en {city} cumplen {days} consecutivos
@pol c1
en {c1} announces early parliamentary elections
ar {c1} {يعلن|تعلن} عن انتخابات برلمانية مبكرة
es {c1} anuncia elecciones parlamentarias anticipadas
@pol -
en {killed} in airstrike on {city}
ar {killed} في غارة جوية على {city}
es {killed} en un bombardeo sobre {city}
@pol -
en Ceasefire talks resume in {city} amid cautious optimism
ar استئناف محادثات وقف إطلاق النار في {city} وسط تفاؤل حذر
es Se reanudan en {city} las negociaciones de alto el fuego con un optimismo cauto
@pol c1
en {c1} accuses {c2} of violating its airspace
ar {c1} {يتهم|تتهم} {c2} بانتهاك {مجاله|مجالها} الجوي
es {c1} acusa a {c2} de violar su espacio aéreo
@pol -
en {off1} meets {org} envoy in {city}
ar {off1} يلتقي مبعوث {org} في {city}
es {off1} se reúne con el enviado de {org} en {city}
@pol -
en Parliament in {c1} approves controversial security law
ar برلمان {c1} يقر قانوناً أمنياً مثيراً للجدل
es El Parlamento de {c1} aprueba una polémica ley de seguridad
@pol c1
en {c1} releases {detainees} under prisoner exchange deal
ar {c1} {يفرج|تفرج} عن {detainees} ضمن صفقة لتبادل الأسرى
es {c1} libera a {detainees} en virtud de un acuerdo de canje de prisioneros
@pol -
en Border crossing between {c1} and {c2} reopens after weeks of closure
ar إعادة فتح المعبر الحدودي بين {c1} و{c2} بعد أسابيع من الإغلاق
es Reabre el paso fronterizo entre {c1} y {c2} tras semanas de cierre
@pol org
en {org} warns of humanitarian catastrophe in {city}
ar {org} {يحذر|تحذر} من كارثة إنسانية في {city}
es {org} advierte de una catástrofe humanitaria en {city}
@pol -
en {off1} rejects any foreign interference in internal affairs
ar {off1} يرفض أي تدخل خارجي في الشؤون الداخلية
es {off1} rechaza cualquier injerencia extranjera en los asuntos internos
@pol -
en Drone attack targets military base near {city}
ar هجوم بطائرة مسيّرة يستهدف قاعدة عسكرية قرب {city}
es Un ataque con dron alcanza una base militar cerca de {city}
@pol -
en {c1} and {c2} sign defense cooperation agreement
ar توقيع اتفاقية تعاون دفاعي بين {c1} و{c2}
es {c1} y {c2} firman un acuerdo de cooperación en defensa
@pol -
en Opposition in {c1} calls for nationwide strike
ar المعارضة في {c1} تدعو إلى إضراب عام
es La oposición de {c1} convoca una huelga general
@pol -
en {off1} to visit {c2} next week
ar {off1} يزور {c2} الأسبوع المقبل
es {off1} visitará {c2} la próxima semana
@pol c1
en {c1} condemns raid in {city2}
ar {c1} {يدين|تدين} الاقتحام في {city2}
es {c1} condena la incursión en {city2}
@pol -
en Mediators push for new truce as fighting flares near {city}
ar الوسطاء يسعون إلى هدنة جديدة مع تجدد القتال قرب {city}
es Los mediadores buscan una nueva tregua mientras se reavivan los combates cerca de {city}
@pol -
en Thousands rally in {city} in solidarity with {c2}
ar الآلاف يتظاهرون في {city} تضامناً مع {c2}
es Miles de personas se manifiestan en {city} en solidaridad con {c2}
@pol c1
en {c1} expels {c2} diplomats over espionage claims
ar {c1} {يطرد|تطرد} دبلوماسيين من {c2} بتهمة التجسس
es {c1} expulsa a diplomáticos de {c2} por acusaciones de espionaje
@pol -
en {off1} survives no-confidence vote
ar {off1} ينجو من تصويت على حجب الثقة
es {off1} supera una moción de censura
@pol c1
en {c1} hands over list of missing persons to {org}
ar {c1} {يسلم|تسلم} قائمة بأسماء المفقودين إلى {org}
es {c1} entrega a {org} una lista de personas desaparecidas
@econ c1
en {c1} raises {eitem} for the second time this year
ar {c1} {يرفع|ترفع} {eitem} للمرة الثانية هذا العام
es {c1} sube {eitem} por segunda vez este año
@econ -
en Inflation in {c1} eases to {pct}%
ar التضخم في {c1} يتراجع إلى {pct}%
es La inflación en {c1} se modera al {pct} %
@econ org
en {org} approves {money} loan for {c1}
ar {org} {يوافق|توافق} على قرض بقيمة {money} لصالح {c1}
es {org} aprueba un préstamo de {money} para {c1}
@econ c1
en {c1} signs {money} gas deal with {c2}
ar {c1} {يوقع|توقع} صفقة غاز بقيمة {money} مع {c2}
es {c1} firma con {c2} un acuerdo de gas por {money}
@econ -
en Currency in {c1} hits record low against the dollar
ar عملة {c1} تسجل أدنى مستوى لها أمام الدولار
es La moneda de {c1} cae a un mínimo histórico frente al dólar
@econ -
en Oil prices climb after OPEC+ signals further output cuts
ar أسعار النفط ترتفع بعد إشارات من أوبك+ إلى مزيد من خفض الإنتاج
es El petróleo sube tras las señales de la OPEP+ de nuevos recortes de producción
@econ c1
en {c1} posts {pct}% growth in third quarter
ar {c1} {يسجل|تسجل} نمواً بنسبة {pct}% في الربع الثالث
es {c1} registra un crecimiento del {pct} % en el tercer trimestre
@econ -
en Unemployment in {c1} rises to {pct}%, official data show
ar البطالة في {c1} ترتفع إلى {pct}% وفق بيانات رسمية
es El desempleo en {c1} sube al {pct} %, según datos oficiales
@econ -
en {off1} unveils {nextyear} budget with focus on {sector}
ar {off1} يكشف عن موازنة عام {nextyear} مع تركيز على {sector}
es {off1} presenta el presupuesto de {nextyear} centrado en {sector}
@econ -
en Trade between {c1} and {c2} reaches {money}
ar التبادل التجاري بين {c1} و{c2} يبلغ {money}
es El comercio entre {c1} y {c2} alcanza {money}
@econ c1
en {c1} bans wheat exports as food prices soar
ar {c1} {يحظر|تحظر} تصدير القمح مع ارتفاع أسعار الغذاء
es {c1} prohíbe las exportaciones de trigo ante la subida de los alimentos
@econ -
en {city} airport resumes flights after {days} of closure
ar مطار {city} يستأنف الرحلات بعد توقف دام {days}
es El aeropuerto de {city} reanuda los vuelos tras {days} de cierre
@econ org
en {org} cuts {c1} growth forecast to {pct}%
ar {org} {يخفض توقعاته|تخفض توقعاتها} لنمو اقتصاد {c1} إلى {pct}%
es {org} rebaja al {pct} % su previsión de crecimiento para {c1}
@econ -
en Central bank of {c1} holds rates steady despite pressure on the currency
ar البنك المركزي في {c1} يبقي أسعار الفائدة دون تغيير رغم الضغوط على العملة
es El banco central de {c1} mantiene los tipos pese a la presión sobre la moneda
@sport -
en {c1} beat {c2} {s1}-{s2} in {comp} qualifiers
ar منتخب {c1} يفوز على منتخب {c2} {s1}-{s2} في تصفيات {comp}
es {c1} vence {s1}-{s2} a {c2} en la clasificación para {comp}
@sport -
en {c1} names new coach ahead of {comp}
ar منتخب {c1} يعين مدرباً جديداً قبل {comp}
es {c1} nombra nuevo seleccionador antes de {comp}
@sport -
en {c1} coach resigns after {comp} exit
ar استقالة مدرب منتخب {c1} بعد الخروج من {comp}
es Dimite el seleccionador de {c1} tras la eliminación en {comp}
@sport -
en {city} to host the final of {comp}
ar {city} تستضيف نهائي {comp}
es {city} acogerá la final de {comp}
@sport -
en Runner from {c1} breaks national record at {city2} marathon
ar عداء من {c1} يحطم الرقم الوطني في ماراثون {city2}
es Un maratonista de {c1} bate el récord nacional en {city2}
@sport -
en Fans in {city} celebrate historic win over {c2}
ar احتفالات الجماهير في {city} بالفوز التاريخي على {c2}
es Los aficionados celebran en {city} la histórica victoria ante {c2}
@culture -
en Film festival in {city} opens with record number of entries
ar انطلاق مهرجان {city} السينمائي بعدد قياسي من المشاركات
es El festival de cine de {city} arranca con un número récord de películas
@culture -
en Ancient manuscripts restored and put on display in {city}
ar ترميم مخطوطات قديمة وعرضها في {city}
es Restauran y exhiben en {city} manuscritos antiguos
@culture -
en Exhibition in {city2} celebrates {art} from {c1}
ar معرض في {city2} يحتفي ب{art} من {c1}
es Una exposición en {city2} celebra {art} de {c1}
@culture -
en Book fair in {city} draws {big} visitors on opening day
ar معرض {city} للكتاب يستقطب {big} زائر في يومه الأول
es La feria del libro de {city} recibe {big} visitantes en su primera jornada
@culture c1
en {c1} reclaims looted artefacts from European museum
ar {c1} {يستعيد|تستعيد} قطعاً أثرية منهوبة من متحف أوروبي
es {c1} recupera piezas arqueológicas expoliadas de un museo europeo
@culture -
en Poet from {c1} wins prestigious literary prize
ar شاعر من {c1} يفوز بجائزة أدبية مرموقة
es Un poeta de {c1} gana un prestigioso premio literario
@health org
en {org} reports rise in {disease} cases in {c1}
ar {org} {يرصد|ترصد} ارتفاعاً في إصابات {disease} في {c1}
es {org} alerta de un aumento de casos de {disease_bare} en {c1}
@health -
en Hospitals in {city} run short of fuel and medicine
ar مستشفيات {city} تعاني نقصاً في الوقود والأدوية
es Los hospitales de {city} se quedan sin combustible ni medicinas
@health c1
en {c1} launches vaccination campaign against {disease}
ar {c1} {يطلق|تطلق} حملة تطعيم ضد {disease}
es {c1} lanza una campaña de vacunación contra {disease}
@health -
en Study links air pollution to rising asthma rates in {city}
ar دراسة تربط تلوث الهواء بارتفاع معدلات الربو في {city}
es Un estudio vincula la contaminación del aire con el aumento del asma en {city}
@health -
en {off1} announces plan to cut hospital waiting times
ar {off1} يعلن خطة لتقليص فترات الانتظار في المستشفيات
es {off1} anuncia un plan para reducir las listas de espera hospitalarias
@health -
en Doctors in {c1} strike over unpaid wages
ar أطباء {c1} يضربون عن العمل احتجاجاً على تأخر الرواتب
es Los médicos de {c1} van a la huelga por salarios impagados
@tech c1
en {c1} unveils national strategy for artificial intelligence
ar {c1} {يكشف|تكشف} عن استراتيجية وطنية للذكاء الاصطناعي
es {c1} presenta una estrategia nacional de inteligencia artificial
@tech -
en Cyberattack disrupts government websites in {c1}
ar هجوم إلكتروني يعطل مواقع حكومية في {c1}
es Un ciberataque deja fuera de servicio webs del Gobierno de {c1}
@tech -
en Start-ups in {city} attract {money} in funding
ar الشركات الناشئة في {city} تستقطب تمويلات بقيمة {money}
es Las empresas emergentes de {city} captan {money} en financiación
@tech c1
en {c1} launches its first earth observation satellite
ar {c1} {يطلق|تطلق} أول قمر صناعي لرصد الأرض
es {c1} lanza su primer satélite de observación terrestre
@tech -
en Internet outage cuts off {city} for {days}
ar انقطاع الإنترنت يعزل {city} لمدة {days}
es Un apagón de internet deja incomunicada a {city} durante {days}
@tech c1
en {c1} tightens rules on social media platforms
ar {c1} {يشدد|تشدد} القواعد على منصات التواصل الاجتماعي
es {c1} endurece las normas para las redes sociales
@env -
en Floods displace thousands in {city}
ar الفيضانات تشرد الآلاف في {city}
es Las inundaciones desplazan a miles de personas en {city}
@env -
en Earthquake of magnitude {mag} strikes near {city}
ar زلزال بقوة {mag} درجات يضرب قرب {city}
es Un terremoto de magnitud {mag} sacude las inmediaciones de {city}
@env -
en Heatwave pushes temperatures above {temp}°C in {c1}
ar موجة حر ترفع درجات الحرارة فوق {temp} درجة مئوية في {c1}
es Una ola de calor eleva las temperaturas por encima de {temp} °C en {c1}
@env c1
en {c1} declares state of emergency over drought
ar {c1} {يعلن|تعلن} حالة الطوارئ بسبب الجفاف
es {c1} declara el estado de emergencia por la sequía
@env -
en Wildfires rage near {city} as firefighters battle strong winds
ar حرائق الغابات تستعر قرب {city} ورجال الإطفاء يواجهون رياحاً قوية
es Los incendios forestales avanzan cerca de {city} mientras los bomberos luchan contra el viento
@env c1
en {c1} pledges to halve emissions by 2035
ar {c1} {يتعهد|تتعهد} بخفض الانبعاثات إلى النصف بحلول عام 2035
es {c1} se compromete a reducir a la mitad sus emisiones para 2035
@misc -
en Rare white camel born at reserve near {city}
ar ولادة جمل أبيض نادر في محمية قرب {city}
es Nace un raro camello blanco en una reserva cerca de {city}
@misc -
en Fire breaks out at market in {city}, no casualties reported
ar اندلاع حريق في سوق وسط {city} دون تسجيل إصابات
es Se declara un incendio en un mercado de {city} sin causar víctimas
@misc -
en Record number of tourists visit {city} this summer
ar عدد قياسي من السياح يزورون {city} هذا الصيف
es Un número récord de turistas visita {city} este verano
@misc -
en Bus crash on highway near {city} leaves {injured}
ar حادث حافلة على طريق سريع قرب {city} يخلف {injured}
es Un accidente de autobús en una autopista cerca de {city} deja {injured}
@misc -
en Archaeologists uncover Roman-era mosaic in {city}
ar علماء آثار يكتشفون فسيفساء من العصر الروماني في {city}
es Arqueólogos descubren un mosaico de época romana en {city}
@opinion -
en Why the crisis in {c1} will not end at the negotiating table
ar لماذا لن تنتهي الأزمة في {c1} على طاولة المفاوضات
es Por qué la crisis en {c1} no terminará en la mesa de negociaciones
@opinion c2
en What does {c2} really want from {c1}?
ar ماذا {يريد|تريد} {c2} فعلاً من {c1}؟
es ¿Qué quiere realmente {c2} de {c1}?
@opinion -
en The cost of silence: {c1} and the price of neutrality
ar ثمن الصمت: {c1} وكلفة الحياد
es El precio del silencio: {c1} y el coste de la neutralidad
@opinion org
en Is {org} still relevant in {c1}?
ar هل {لا يزال|لا تزال} {org} {مؤثراً|مؤثرة} في {c1}؟
es ¿Sigue siendo relevante {org} en {c1}?
@opinion -
en {c1} at a crossroads after a year of upheaval
ar {c1} على مفترق طرق بعد عام من الاضطرابات
es {c1}, en una encrucijada tras un año de convulsiones
@opinion -
en Sanctions on {c1} are hitting the most vulnerable
ar العقوبات على {c1} تضرب الفئات الأكثر ضعفاً
es Las sanciones contra {c1} golpean a los más vulnerables
@opinion -
en What the {c1}–{c2} rapprochement means for the region
ar ماذا يعني التقارب بين {c1} و{c2} بالنسبة إلى المنطقة؟
es Qué significa para la región el acercamiento entre {c1} y {c2}
@opinion -
en Five questions about the future of {city}
ar خمسة أسئلة حول مستقبل {city}
es Cinco preguntas sobre el futuro de {city}
@feature -
en In {city}, fishermen fight to keep a centuries-old trade alive
ar في {city}، صيادون يكافحون للحفاظ على مهنة عمرها قرون
es En {city}, los pescadores luchan por mantener vivo un oficio centenario
@feature -
en Life after the siege: a return to {city}
ar الحياة بعد الحصار: العودة إلى {city}
es La vida después del asedio: el regreso a {city}
@feature -
en The women rebuilding {city}, one brick at a time
ar نساء يُعدن بناء {city} حجراً حجراً
es Las mujeres que reconstruyen {city} ladrillo a ladrillo
@feature -
en Explained: the dispute between {c1} and {c2}
ar ما هي قصة الخلاف بين {c1} و{c2}؟
es Claves: la disputa entre {c1} y {c2}
@feature -
en The last bookbinders of {city}
ar آخر مجلدي الكتب في {city}
es Los últimos encuadernadores de {city}
@pics -
en In pictures: daily life in {city}
ar بالصور: الحياة اليومية في {city}
es En imágenes: la vida cotidiana en {city}
@pics -
en In pictures: the aftermath of the storm in {city}
ar بالصور: آثار العاصفة في {city}
es En imágenes: los estragos de la tormenta en {city}
@pics -
en In pictures: {city} prepares for the holidays
ar بالصور: {city} تستعد للأعياد
es En imágenes: {city} se prepara para las fiestas
@infog -
en Infographic: the economy of {c1} in numbers
ar إنفوغراف: اقتصاد {c1} بالأرقام
es Infografía: la economía de {c1} en cifras
@infog -
en Infographic: {killed} and {injured} in {days} of fighting
ar إنفوغراف: {killed} و{injured} في {days} من القتال
es Infografía: {killed} y {injured} en {days} de combates
@infog -
en Infographic: trade between {c1} and {c2}
ar إنفوغراف: التبادل التجاري بين {c1} و{c2}
es Infografía: el comercio entre {c1} y {c2}
@video -
en Video: rescuers search rubble in {city} after strike
ar فيديو: فرق الإنقاذ تبحث تحت الأنقاض في {city} بعد الغارة
es Vídeo: los equipos de rescate buscan entre los escombros en {city} tras el ataque
@video -
en Watch: {off1} speaks to reporters in {city2}
ar شاهد: {off1} يتحدث إلى الصحفيين في {city2}
es Vea: {off1} habla con la prensa en {city2}
@video -
en Video: scenes from the streets of {city} as the vote count begins
ar فيديو: مشاهد من شوارع {city} مع بدء فرز الأصوات
es Vídeo: escenas en las calles de {city} al comenzar el recuento de votos
"""

_SUMMARIES = """
@pol -
en {off1} says the country is ready for dialogue but will not accept conditions
    imposed from abroad.
ar {off1} يؤكد استعداد بلاده للحوار، لكنه يرفض أي شروط مفروضة من الخارج.
es {off1} asegura que su país está dispuesto a dialogar, pero no aceptará condiciones
    impuestas desde el exterior.
@pol -
en Medical sources report {killed} and {injured} in the latest escalation around {city}.
ar مصادر طبية تفيد بسقوط {killed} و{injured} في التصعيد الأخير حول {city}.
es Fuentes médicas cifran en {nk} los muertos y en {ni} los heridos de la última escalada
    en torno a {city}.
@pol -
en The talks, mediated by {org}, are the first direct contact between {c1} and {c2}
    in months.
ar المحادثات التي تجري بوساطة {org} هي أول اتصال مباشر بين {c1} و{c2} منذ أشهر.
es Las conversaciones, mediadas por {org}, son el primer contacto directo entre {c1}
    y {c2} en meses.
@econ -
en The move is expected to weigh on household budgets already strained by inflation
    of {pct}%.
ar يُتوقع أن تثقل هذه الخطوة كاهل الأسر التي تعاني أصلاً من تضخم بنسبة {pct}%.
es Se espera que la medida pese sobre unos presupuestos familiares ya castigados por una
    inflación del {pct} %.
@econ -
en Officials say the {money} deal will boost trade and create jobs in {city}.
ar مسؤولون: الاتفاق البالغة قيمته {money} سيعزز التجارة ويوفر فرص عمل في {city}.
es Las autoridades aseguran que el acuerdo de {money} impulsará el comercio y creará
    empleo en {city}.
@sport -
en A late goal settled the match in {city}, keeping qualification hopes alive.
ar هدف متأخر حسم المباراة في {city} وأبقى آمال التأهل قائمة.
es Un gol en el tramo final decidió el partido en {city} y mantiene vivas las opciones
    de clasificación.
@culture -
en Organisers hope the event will put {city} back on the cultural map of the region.
ar يأمل المنظمون أن يعيد الحدث {city} إلى الخريطة الثقافية في المنطقة.
es Los organizadores confían en que el evento devuelva a {city} al mapa cultural de
    la región.
@health -
en Health workers warn that shortages of medicine and clean water are making the outbreak
    harder to contain.
ar العاملون في القطاع الصحي يحذرون من أن نقص الأدوية والمياه النظيفة يصعّب احتواء التفشي.
es El personal sanitario advierte de que la falta de medicamentos y agua potable dificulta
    contener el brote.
@tech -
en The government says the plan will modernise public services while protecting
    citizens' data.
ar الحكومة تقول إن الخطة ستحدّث الخدمات العامة مع حماية بيانات المواطنين.
es El Gobierno afirma que el plan modernizará los servicios públicos y protegerá los
    datos de los ciudadanos.
@env -
en Authorities in {c1} have opened shelters and urged residents of low-lying areas
    to evacuate.
ar السلطات في {c1} فتحت مراكز إيواء ودعت سكان المناطق المنخفضة إلى الإخلاء.
es Las autoridades de {c1} han habilitado albergues y pedido a los vecinos de las zonas
    bajas que evacúen.
@misc -
en Local officials in {city} say an investigation is under way.
ar مسؤولون محليون في {city} يؤكدون أن تحقيقاً يجري في الحادثة.
es Fuentes municipales de {city} indican que se ha abierto una investigación.
@opinion c1
en Without a political settlement, {c1} risks another decade of stagnation and unrest.
ar من دون تسوية سياسية، {يواجه|تواجه} {c1} خطر عقد آخر من الركود والاضطرابات.
es Sin un acuerdo político, {c1} se arriesga a otra década de estancamiento y
    convulsiones.
@feature -
en A portrait of resilience in {city}, where residents are rebuilding their lives
    against the odds.
ar صورة عن الصمود في {city}، حيث يعيد السكان بناء حياتهم رغم كل الصعاب.
es Un retrato de la resiliencia en {city}, donde los vecinos reconstruyen sus vidas
    contra todo pronóstico.
@pics -
en Photographers captured scenes from {city} over the past week.
ar عدسات المصورين ترصد مشاهد من {city} خلال الأسبوع الماضي.
es Los fotógrafos captaron escenas de {city} durante la última semana.
@infog -
en Key figures on {c1}, from population and growth to trade with {c2}.
ar أبرز الأرقام عن {c1}، من عدد السكان والنمو إلى التبادل التجاري مع {c2}.
es Las cifras clave de {c1}, de la población y el crecimiento al comercio con {c2}.
@video -
en Footage from {city} shows the scale of the damage.
ar مشاهد مصورة من {city} تظهر حجم الدمار.
es Imágenes grabadas en {city} muestran la magnitud de los daños.
"""

# Opening paragraphs, by group.
_LEADS = """
@pol -
en {off1} said on {wd} that his country was ready to "open a new page" with {c2},
    provided its sovereignty was respected.
ar قال {off1} يوم {wd} إن بلاده مستعدة «لفتح صفحة جديدة» مع {c2}، شرط احترام سيادتها.
es {off1} afirmó el {wd} que su país está dispuesto a «abrir una nueva página» con {c2},
    siempre que se respete su soberanía.
@pol -
en Fighting intensified overnight on the outskirts of {city}, leaving {killed} and
    {injured}, according to medical sources.
ar اشتدت الاشتباكات ليلاً في محيط {city}، ما أسفر عن {killed} و{injured}، وفق مصادر طبية.
es Los combates se intensificaron durante la noche en las afueras de {city} y dejaron
    {killed} y {injured}, según fuentes médicas.
@pol -
en Delegations from {c1} and {c2} met in {city} on {wd} for a new round of talks
    mediated by {org}.
ar التقى وفدا {c1} و{c2} في {city} يوم {wd} في جولة جديدة من المحادثات بوساطة {org}.
es Delegaciones de {c1} y {c2} se reunieron el {wd} en {city} en una nueva ronda de
    conversaciones mediada por {org}.
@econ -
en Official data published on {wd} put annual inflation at {pct}%, the latest sign of
    pressure on household budgets.
ar أظهرت بيانات رسمية نُشرت يوم {wd} أن معدل التضخم السنوي بلغ {pct}%، في أحدث مؤشر على
    الضغوط التي تواجهها ميزانيات الأسر.
es Datos oficiales publicados el {wd} situaron la inflación interanual en el {pct} %,
    la última señal de presión sobre los presupuestos familiares.
@econ -
en The agreement, worth {money}, is expected to create thousands of jobs in {city} and
    the surrounding areas.
ar ومن المتوقع أن يوفر الاتفاق، البالغة قيمته {money}، آلاف فرص العمل في {city} والمناطق
    المحيطة بها.
es Se prevé que el acuerdo, valorado en {money}, cree miles de empleos en {city} y sus
    alrededores.
@sport -
en {c1} secured a {s1}-{s2} victory over {c2} on {wd} in front of a packed stadium
    in {city}.
ar حقق منتخب {c1} فوزاً على منتخب {c2} بنتيجة {s1}-{s2} يوم {wd} أمام مدرجات ممتلئة
    في {city}.
es {c1} se impuso {s1}-{s2} a {c2} el {wd} ante un estadio lleno en {city}.
@culture -
en The event, which runs until the end of the month in {city}, features works by
    {artists} from across the region.
ar ويستمر الحدث حتى نهاية الشهر في {city}، ويضم أعمال {artists} من مختلف أنحاء المنطقة.
es El evento, que se prolonga hasta final de mes en {city}, reúne obras de {artists}
    de toda la región.
@health -
en Health authorities in {c1} recorded {cases} over the past week, most of them in and
    around {city}.
ar سجلت السلطات الصحية في {c1} {cases} خلال الأسبوع الماضي، معظمها في {city} ومحيطها.
es Las autoridades sanitarias de {c1} registraron {cases} en la última semana, la mayoría
    en {city} y sus alrededores.
@tech -
en The plan, presented on {wd} in {city}, includes training programmes and {money} in
    public investment.
ar تتضمن الخطة، التي عُرضت يوم {wd} في {city}، برامج تدريبية واستثمارات عامة بقيمة
    {money}.
es El plan, presentado el {wd} en {city}, incluye programas de formación y {money} en
    inversión pública.
@env -
en Rescue teams worked through the night in {city}, where heavy rain and strong winds
    damaged homes and roads.
ar عملت فرق الإنقاذ طوال الليل في {city}، حيث ألحقت الأمطار الغزيرة والرياح القوية
    أضراراً بالمنازل والطرق.
es Los equipos de rescate trabajaron toda la noche en {city}, donde las lluvias
    torrenciales y los fuertes vientos dañaron viviendas y carreteras.
@misc -
en Witnesses in {city} said the incident happened in the early hours of {wd}.
ar قال شهود عيان في {city} إن الحادث وقع في الساعات الأولى من صباح {wd}.
es Testigos en {city} relataron que el suceso ocurrió en la madrugada del {wd}.
@opinion -
en For years, policymakers in {c1} have treated the crisis as a problem to be managed
    rather than solved.
ar على مدى سنوات، تعامل صناع القرار في {c1} مع الأزمة باعتبارها مشكلة ينبغي إدارتها
    لا حلها.
es Durante años, los responsables políticos de {c1} han tratado la crisis como un problema
    que gestionar y no que resolver.
@feature -
en Every morning before sunrise, the streets of {city} slowly come back to life.
ar كل صباح قبل شروق الشمس، تعود الحياة ببطء إلى شوارع {city}.
es Cada mañana, antes del amanecer, las calles de {city} recobran poco a poco la vida.
"""

# Further paragraphs: by group, and "general" ones any story may use.
_PARAGRAPHS = """
@general -
en The announcement was made on {wd} in {city}, according to a statement carried by
    local media.
ar وجاء الإعلان يوم {wd} في {city}، بحسب بيان نقلته وسائل إعلام محلية.
es El anuncio se produjo el {wd} en {city}, según un comunicado recogido por medios
    locales.
@general -
en "We are following the situation closely and will not hesitate to act," {person},
    a government spokesman, told reporters.
ar وقال المتحدث باسم الحكومة {person} للصحفيين: «نتابع الوضع عن كثب ولن نتردد في التحرك».
es «Seguimos la situación de cerca y no dudaremos en actuar», declaró a la prensa el
    portavoz del Gobierno, {person}.
@general -
en Observers in {city2} said the move reflects a broader shift in the balance of power
    across the region.
ar ورأى مراقبون في {city2} أن هذه الخطوة تعكس تحولاً أوسع في موازين القوى في المنطقة.
es Observadores en {city2} señalaron que la medida refleja un cambio más amplio en el
    equilibrio de poder en la región.
@general org
en {org} has repeatedly called on all parties to exercise restraint and to protect
    civilians.
ar {ودعا|ودعت} {org} مراراً جميع الأطراف إلى ضبط النفس وحماية المدنيين.
es {org} ha pedido en reiteradas ocasiones a todas las partes que actúen con moderación y
    protejan a la población civil.
@general -
en The two sides have held several rounds of talks since the start of the year without
    reaching a final agreement.
ar وعقد الطرفان عدة جولات من المحادثات منذ مطلع العام من دون التوصل إلى اتفاق نهائي.
es Ambas partes han celebrado varias rondas de conversaciones desde comienzos de año sin
    alcanzar un acuerdo definitivo.
@general -
en Residents of {city} described long queues at bakeries and petrol stations as prices
    continued to climb.
ar ووصف سكان في {city} طوابير طويلة أمام المخابز ومحطات الوقود مع استمرار ارتفاع الأسعار.
es Vecinos de {city} describieron largas colas frente a las panaderías y las gasolineras
    mientras los precios seguían subiendo.
@general -
en The figures could not be independently verified.
ar ولم يتسن التحقق من هذه الأرقام بشكل مستقل.
es No fue posible verificar las cifras de forma independiente.
@general -
en In a statement, the ministry said further details would be announced "in the coming
    days".
ar وقالت الوزارة في بيان إنه سيتم الإعلان عن مزيد من التفاصيل «خلال الأيام المقبلة».
es En un comunicado, el ministerio indicó que se darán a conocer más detalles «en los
    próximos días».
@general -
en According to {org}, more than {big} people have been affected since the beginning of
    the crisis.
ar وبحسب {org}، تضرر أكثر من {big} شخص منذ بداية الأزمة.
es Según {org}, más de {big} personas se han visto afectadas desde el inicio de la crisis.
@general -
en {analyst}, an analyst based in {city2}, said the decision "sends a clear message to
    allies and rivals alike".
ar وقالت المحللة {analyst}، المقيمة في {city2}، إن القرار «يبعث برسالة واضحة إلى الحلفاء
    والخصوم على حد سواء».
es {analyst}, analista afincada en {city2}, afirmó que la decisión «envía un mensaje claro
    tanto a aliados como a rivales».
@general -
en Tensions have been rising for months, fuelled by disputes over borders, water and
    trade.
ar وتتصاعد التوترات منذ أشهر على خلفية خلافات حول الحدود والمياه والتجارة.
es Las tensiones llevan meses en aumento, alimentadas por disputas sobre fronteras, agua
    y comercio.
@general -
en Local authorities in {city} urged residents to stay at home and follow official
    instructions.
ar وحثت السلطات المحلية في {city} السكان على البقاء في منازلهم واتباع التعليمات الرسمية.
es Las autoridades locales de {city} pidieron a los vecinos que permanezcan en sus casas y
    sigan las instrucciones oficiales.
@general -
en The opposition criticised the government's handling of the file, calling it "late and
    insufficient".
ar وانتقدت المعارضة طريقة تعامل الحكومة مع الملف، ووصفتها بأنها «متأخرة وغير كافية».
es La oposición criticó la gestión del Gobierno, a la que calificó de «tardía e
    insuficiente».
@general -
en Officials in {c2} have not yet commented on the reports.
ar ولم يعلق المسؤولون في {c2} بعد على هذه التقارير.
es Las autoridades de {c2} aún no se han pronunciado sobre las informaciones.
@general c1
en Last year, {c1} and {c2} signed a framework agreement covering energy, transport
    and security.
ar {ووقع|ووقعت} {c1} و{c2} العام الماضي اتفاقاً إطارياً يشمل الطاقة والنقل والأمن.
es El año pasado, {c1} y {c2} firmaron un acuerdo marco que abarca energía, transporte y
    seguridad.
@general -
en Trade & investment ministers from both countries are due to meet in {city2} next month.
ar ومن المقرر أن يجتمع وزراء التجارة والاستثمار من البلدين في {city2} الشهر المقبل.
es Los ministros de Comercio e Inversión de ambos países se reunirán en {city2} el mes
    próximo.
@pol -
en Witnesses reported heavy gunfire and at least two explosions shortly after midnight.
ar وأفاد شهود عيان بسماع إطلاق نار كثيف وانفجارين على الأقل بعد منتصف الليل بقليل.
es Testigos informaron de intensos disparos y de al menos dos explosiones poco después
    de la medianoche.
@pol -
en Diplomats in {city2} said a draft resolution could be put to a vote as early as next
    week.
ar وقال دبلوماسيون في {city2} إن مشروع قرار قد يطرح للتصويت في وقت مبكر من الأسبوع المقبل.
es Diplomáticos en {city2} indicaron que un proyecto de resolución podría someterse a
    votación la próxima semana.
@econ -
en Economists warn that the measures could deepen the burden on low-income families
    unless they are accompanied by social support.
ar ويحذر اقتصاديون من أن هذه الإجراءات قد تزيد العبء على الأسر ذات الدخل المحدود ما لم
    تترافق مع دعم اجتماعي.
es Los economistas advierten de que las medidas podrían agravar la carga de las familias
    con menos ingresos si no van acompañadas de ayudas sociales.
@econ -
en The central bank in {city} said it would keep monitoring the exchange rate and
    intervene if necessary.
ar وقال البنك المركزي في {city} إنه سيواصل مراقبة سعر الصرف وسيتدخل عند الضرورة.
es El banco central, con sede en {city}, aseguró que seguirá vigilando el tipo de cambio
    e intervendrá si es necesario.
@sport -
en The coach praised his players' discipline and said the team was "only at the
    beginning of the road".
ar وأشاد المدرب بانضباط لاعبيه، مؤكداً أن الفريق «ما زال في بداية الطريق».
es El seleccionador elogió la disciplina de sus jugadores y aseguró que el equipo está
    «solo al principio del camino».
@culture -
en Organisers said the programme aims to bring culture closer to young people and to
    revive forgotten traditions.
ar وقال المنظمون إن البرنامج يهدف إلى تقريب الثقافة من الشباب وإحياء تقاليد منسية.
es Los organizadores explicaron que el programa busca acercar la cultura a los jóvenes y
    recuperar tradiciones olvidadas.
@health -
en Doctors warned that shortages of clean water and medicine were making the situation
    worse.
ar وحذر أطباء من أن نقص المياه النظيفة والأدوية يفاقم الوضع.
es Los médicos advirtieron de que la escasez de agua potable y de medicamentos está
    empeorando la situación.
@tech -
en Experts cautioned that data protection rules have not kept pace with the rapid spread
    of digital services.
ar وحذر خبراء من أن قواعد حماية البيانات لم تواكب الانتشار السريع للخدمات الرقمية.
es Los expertos advirtieron de que las normas de protección de datos no han seguido el
    ritmo de la rápida expansión de los servicios digitales.
@env -
en Scientists say extreme weather events in the region have become more frequent and
    more intense over the past decade.
ar ويقول علماء إن الظواهر المناخية المتطرفة في المنطقة أصبحت أكثر تواتراً وشدة خلال
    العقد الماضي.
es Los científicos señalan que los fenómenos meteorológicos extremos en la región se han
    vuelto más frecuentes e intensos en la última década.
@opinion c2
en The question is no longer whether {c2} will change course, but how much it will cost
    everyone else when it does.
ar لم يعد السؤال ما إذا {كان|كانت} {c2} {سيغير مساره|ستغير مسارها}، بل كم سيكلف ذلك
    الآخرين عندما {يفعل|تفعل}.
es La cuestión ya no es si {c2} cambiará de rumbo, sino cuánto les costará a los demás
    cuando lo haga.
@opinion -
en History offers little comfort: previous agreements collapsed within months,
    undermined by mistrust on both sides.
ar ولا يقدم التاريخ الكثير من الطمأنينة، فالاتفاقات السابقة انهارت في غضون أشهر بسبب
    انعدام الثقة بين الطرفين.
es La historia ofrece poco consuelo: los acuerdos anteriores se derrumbaron en cuestión de
    meses, minados por la desconfianza mutua.
@feature -
en "We have lost a lot, but we have not lost hope," said {person}, who has lived in the
    neighbourhood for decades.
ar يقول {person}، الذي يعيش في الحي منذ عقود: «خسرنا الكثير، لكننا لم نفقد الأمل».
es «Hemos perdido mucho, pero no la esperanza», dice {person}, que vive en el barrio
    desde hace décadas.
@feature -
en Children play between the ruins while their parents queue for water at the end of
    the street.
ar يلعب الأطفال بين الأنقاض فيما يصطف أهلهم للحصول على المياه في آخر الشارع.
es Los niños juegan entre las ruinas mientras sus padres hacen cola para conseguir agua al
    final de la calle.
"""

_CLOSINGS = """
@general -
en This is a developing story and will be updated.
ar الخبر قيد المتابعة وسيتم تحديثه.
es Noticia en desarrollo; se actualizará.
"""

_CAPTIONS = """
@general -
en A general view of {city}
ar منظر عام لمدينة {city}
es Vista general de {city}
@general -
en Residents gather in a street in {city}
ar سكان يتجمعون في أحد شوارع {city}
es Vecinos reunidos en una calle de {city}
@general -
en {off1} speaks during a press conference in {city2}
ar {off1} يتحدث خلال مؤتمر صحفي في {city2}
es {off1} interviene en una rueda de prensa en {city2}
@general -
en Rescue workers at the scene in {city}
ar عناصر الإنقاذ في موقع الحادث في {city}
es Equipos de rescate en el lugar de los hechos en {city}
@general -
en Delegations from {c1} and {c2} during talks in {city}
ar وفدا {c1} و{c2} خلال المحادثات في {city}
es Las delegaciones de {c1} y {c2} durante las conversaciones en {city}
@general -
en A busy market in {city} on {wd}
ar سوق مزدحمة في {city} يوم {wd}
es Un mercado concurrido en {city} el {wd}
@general -
en Protesters hold banners in {city}
ar متظاهرون يرفعون لافتات في {city}
es Manifestantes con pancartas en {city}
"""

_BULLETS = """
@general -
en Talks are due to resume next week
ar من المقرر استئناف المحادثات الأسبوع المقبل
es Las conversaciones se reanudarán la próxima semana
@general org
en {org} has called for restraint
ar {دعا|دعت} {org} إلى ضبط النفس
es {org} ha pedido moderación
@general -
en Prices have risen by {pct}% since January
ar ارتفعت الأسعار بنسبة {pct}% منذ يناير
es Los precios han subido un {pct} % desde enero
@general -
en {killed} and {injured}, according to medical sources
ar {killed} و{injured} بحسب مصادر طبية
es {killed} y {injured}, según fuentes médicas
@general -
en Schools in {city} remain closed
ar المدارس في {city} لا تزال مغلقة
es Los colegios de {city} siguen cerrados
@general -
en The agreement is worth {money}
ar تبلغ قيمة الاتفاق {money}
es El acuerdo está valorado en {money}
@general -
en A parliamentary vote is expected within weeks
ar يُنتظر تصويت برلماني في غضون أسابيع
es Se espera una votación parlamentaria en las próximas semanas
@general -
en Officials in {c2} have yet to respond
ar لم يرد المسؤولون في {c2} بعد
es Las autoridades de {c2} aún no han respondido
"""

_QUOTES = """
@general -
en There is no military solution to this conflict.
ar لا يوجد حل عسكري لهذا النزاع
es No hay solución militar para este conflicto
@general -
en Our priority is the safety of civilians.
ar أولويتنا هي سلامة المدنيين
es Nuestra prioridad es la seguridad de la población civil
@general -
en We will not accept any agreement that ignores the rights of our people.
ar لن نقبل بأي اتفاق يتجاهل حقوق شعبنا
es No aceptaremos ningún acuerdo que ignore los derechos de nuestro pueblo
@general -
en The coming weeks will be decisive.
ar الأسابيع المقبلة ستكون حاسمة
es Las próximas semanas serán decisivas
@general -
en We have lost everything, but we are still here.
ar خسرنا كل شيء، لكننا ما زلنا هنا
es Lo hemos perdido todo, pero seguimos aquí
@general -
en The numbers speak for themselves.
ar الأرقام تتحدث عن نفسها
es Las cifras hablan por sí solas
"""

_BREAKING = """
@general -
en {off1}: We will respond to any attack on our territory
ar {off1}: سنرد على أي اعتداء على أراضينا
es {off1}: Responderemos a cualquier ataque contra nuestro territorio
@general -
en Medical sources: {killed} in strike on residential building in {city}
ar مصادر طبية: {killed} في غارة على مبنى سكني في {city}
es Fuentes médicas: {killed} en un ataque contra un edificio residencial en {city}
@general org
en {org} calls emergency meeting on the situation in {c1}
ar {org} {يدعو|تدعو} إلى اجتماع طارئ بشأن الوضع في {c1}
es {org} convoca una reunión de urgencia sobre la situación en {c1}
@general -
en Our correspondent: Explosions heard in {city}
ar مراسلنا: سماع دوي انفجارات في {city}
es Nuestro corresponsal: Se escuchan explosiones en {city}
@general c1
en {c1} closes its airspace until further notice
ar {c1} {يغلق مجاله|تغلق مجالها} الجوي حتى إشعار آخر
es {c1} cierra su espacio aéreo hasta nuevo aviso
@general -
en Earthquake of magnitude {mag} felt in {city}
ar زلزال بقوة {mag} درجات يضرب {city}
es Un sismo de magnitud {mag} se siente en {city}
@general -
en {off1} arrives in {city2} on an unannounced visit
ar {off1} يصل إلى {city2} في زيارة غير معلنة
es {off1} llega a {city2} en una visita no anunciada
@general c1
en {c1} declares {days} of national mourning
ar {c1} {يعلن|تعلن} الحداد الوطني لمدة {days}
es {c1} decreta {days} de luto nacional
@general -
en Central bank of {c1} raises interest rate to {pct}%
ar البنك المركزي في {c1} يرفع سعر الفائدة إلى {pct}%
es El banco central de {c1} eleva los tipos de interés al {pct} %
@general -
en Health Ministry in {c1}: Death toll rises to {nk}
ar وزارة الصحة في {c1}: ارتفاع حصيلة الضحايا إلى {nk}
es Ministerio de Salud de {c1}: El número de muertos asciende a {nk}
@general -
en Sirens sound in {city}
ar دوي صفارات الإنذار في {city}
es Suenan las sirenas en {city}
@general -
en {c1} and {c2} announce prisoner exchange
ar الإعلان عن صفقة لتبادل الأسرى بين {c1} و{c2}
es {c1} y {c2} anuncian un canje de prisioneros
@general -
en Protesters storm government building in {city}
ar محتجون يقتحمون مبنى حكومياً في {city}
es Manifestantes irrumpen en un edificio gubernamental en {city}
@general -
en {org}: Aid convoy reaches {city}
ar {org}: قافلة مساعدات تصل إلى {city}
es {org}: Un convoy de ayuda llega a {city}
@general -
en Power outage hits large parts of {c1}
ar انقطاع التيار الكهربائي عن أجزاء واسعة من {c1}
es Un apagón afecta a gran parte de {c1}
@general -
en {c1} beat {c2} {s1}-{s2} to reach the final of {comp}
ar منتخب {c1} يتأهل إلى نهائي {comp} بفوزه على {c2} {s1}-{s2}
es {c1} vence {s1}-{s2} a {c2} y se clasifica para la final de {comp}
@general -
en Fire breaks out at fuel depot near {city}
ar اندلاع حريق في مستودع للوقود قرب {city}
es Se declara un incendio en un depósito de combustible cerca de {city}
@general -
en Flights suspended at {city} airport due to sandstorm
ar تعليق الرحلات في مطار {city} بسبب عاصفة رملية
es Suspendidos los vuelos en el aeropuerto de {city} por una tormenta de arena
@general -
en {off1} resigns
ar استقالة {off1}
es Dimite {off1}
@general -
en Talks in {city} end without agreement
ar انتهاء المحادثات في {city} من دون اتفاق
es Terminan sin acuerdo las conversaciones en {city}
@general c1
en {c1} recalls its ambassador to {c2} for consultations
ar {c1} {يستدعي سفيره|تستدعي سفيرها} لدى {c2} للتشاور
es {c1} llama a consultas a su embajador en {c2}
@general -
en Border crossing between {c1} and {c2} closed
ar إغلاق المعبر الحدودي بين {c1} و{c2}
es Cerrado el paso fronterizo entre {c1} y {c2}
@general -
en {org}: {big} people displaced in {c1} since the start of the month
ar {org}: نزوح {big} شخص في {c1} منذ بداية الشهر
es {org}: {big} personas desplazadas en {c1} desde comienzos de mes
@general -
en Parliament in {c1} votes to extend state of emergency
ar برلمان {c1} يصوت على تمديد حالة الطوارئ
es El Parlamento de {c1} vota a favor de prorrogar el estado de emergencia
"""

# Tags, most common first (a Zipf-like draw favours the top of the list); the
# country names are added after these, so every language has about 150 tags.
_TOPIC_TAGS = """
Diplomacy|دبلوماسية|Diplomacia
Economy|اقتصاد|Economía
Elections|انتخابات|Elecciones
Gaza|غزة|Gaza
Ceasefire|وقف إطلاق النار|Alto el fuego
Sanctions|عقوبات|Sanciones
Oil|النفط|Petróleo
Inflation|التضخم|Inflación
Human rights|حقوق الإنسان|Derechos humanos
Refugees|اللاجئون|Refugiados
United Nations|الأمم المتحدة|Naciones Unidas
Protests|احتجاجات|Protestas
Climate change|التغير المناخي|Cambio climático
Football|كرة القدم|Fútbol
Energy|الطاقة|Energía
Oil & Gas|النفط والغاز|Petróleo y gas
Trade|التجارة|Comercio
Prisoners|الأسرى|Presos
Security Council|مجلس الأمن|Consejo de Seguridad
Drones|الطائرات المسيرة|Drones
Airstrikes|غارات جوية|Bombardeos
Humanitarian aid|المساعدات الإنسانية|Ayuda humanitaria
Normalization|التطبيع|Normalización
West Bank|الضفة الغربية|Cisjordania
Jerusalem|القدس|Jerusalén
NATO|حلف الناتو|OTAN
European Union|الاتحاد الأوروبي|Unión Europea
African Union|الاتحاد الأفريقي|Unión Africana
Arab League|جامعة الدول العربية|Liga Árabe
IMF|صندوق النقد الدولي|FMI
World Bank|البنك الدولي|Banco Mundial
WHO|منظمة الصحة العالمية|OMS
OPEC+|أوبك+|OPEP+
BRICS|بريكس|BRICS
Artificial intelligence|الذكاء الاصطناعي|Inteligencia artificial
Cybersecurity|الأمن السيبراني|Ciberseguridad
Social media|وسائل التواصل الاجتماعي|Redes sociales
Earthquake|زلزال|Terremoto
Floods|فيضانات|Inundaciones
Drought|الجفاف|Sequía
Wildfires|حرائق الغابات|Incendios forestales
Heatwave|موجة حر|Ola de calor
Water|المياه|Agua
Food security|الأمن الغذائي|Seguridad alimentaria
Wheat|القمح|Trigo
Tourism|السياحة|Turismo
Migration|الهجرة|Migración
Unemployment|البطالة|Desempleo
Central bank|البنك المركزي|Banco central
Currency|العملة|Moneda
Budget|الموازنة|Presupuesto
Debt|الديون|Deuda
Strikes|إضرابات|Huelgas
Parliament|البرلمان|Parlamento
Constitution|الدستور|Constitución
Corruption|الفساد|Corrupción
Judiciary|القضاء|Justicia
Press freedom|حرية الصحافة|Libertad de prensa
Journalists|الصحفيون|Periodistas
Women|المرأة|Mujeres
Children|الأطفال|Infancia
Education|التعليم|Educación
Health|الصحة|Salud
Cholera|الكوليرا|Cólera
Vaccines|اللقاحات|Vacunas
Hospitals|المستشفيات|Hospitales
Cinema|السينما|Cine
Literature|الأدب|Literatura
Music|الموسيقى|Música
Heritage|التراث|Patrimonio
Archaeology|الآثار|Arqueología
World Cup|كأس العالم|Mundial
Olympics|الألعاب الأولمبية|Juegos Olímpicos
Africa Cup of Nations|كأس الأمم الأفريقية|Copa Africana de Naciones
Space|الفضاء|Espacio
Satellites|الأقمار الصناعية|Satélites
Start-ups|الشركات الناشئة|Empresas emergentes
Telecommunications|الاتصالات|Telecomunicaciones
Internet|الإنترنت|Internet
Military|الجيش|Ejército
Defense|الدفاع|Defensa
Nuclear programme|البرنامج النووي|Programa nuclear
Weapons|الأسلحة|Armas
Resistance|المقاومة|Resistencia
Settlements|المستوطنات|Asentamientos
Occupation|الاحتلال|Ocupación
Borders|الحدود|Fronteras
Mediation|الوساطة|Mediación
Negotiations|المفاوضات|Negociaciones
Red Sea|البحر الأحمر|Mar Rojo
Mediterranean|البحر المتوسط|Mediterráneo
Sahel|الساحل|Sahel
Ports|الموانئ|Puertos
Shipping|الملاحة البحرية|Transporte marítimo
Agriculture|الزراعة|Agricultura
Housing|الإسكان|Vivienda
"""

_AUTHORS = (
    (
        "Staff Reporter",
        "Newsdesk Net",
        "Wire Desk",
        "Our Correspondent",
        "Editorial Board",
        "Digital Desk",
        "Sarah Mansour",
        "Omar Khalil",
        "Leila Haddad",
        "James Porter",
        "Nadia Farouk",
        "Tom Whitfield",
        "Rania Saleh",
        "Daniel Okoye",
        "Hassan Nasser",
        "Maya Karam",
        "Peter Lindqvist",
        "Yusuf Demir",
        "Amira Suleiman",
        "Carlos Ortega",
        "Hana Qasem",
        "Michael Brenner",
        "Zainab Idris",
        "Samir Aoun",
        "Fatima Benali",
    ),
    (
        "مراسل الموقع",
        "شبكة الأخبار نت",
        "قسم الأخبار الدولية",
        "مراسلنا",
        "هيئة التحرير",
        "المحرر الرقمي",
        "سارة منصور",
        "عمر خليل",
        "ليلى حداد",
        "حسن ناصر",
        "نادية فاروق",
        "رانيا صالح",
        "مايا كرم",
        "يوسف دمير",
        "أميرة سليمان",
        "هناء قاسم",
        "زينب إدريس",
        "سمير عون",
        "فاطمة بنعلي",
        "علي الموسوي",
        "محمود العلي",
        "ريم الخطيب",
        "خالد يوسف",
        "نور الهدى سعيد",
        "طارق عبد الله",
    ),
    (
        "Redacción",
        "Red de Noticias Net",
        "Mesa de Internacional",
        "Nuestro corresponsal",
        "Consejo Editorial",
        "Redacción Digital",
        "Lucía Fernández",
        "Javier Morales",
        "Sofía Ramírez",
        "Andrés Castillo",
        "Valentina Ruiz",
        "Diego Herrera",
        "Camila Torres",
        "Mateo Álvarez",
        "Paula Jiménez",
        "Alejandro Núñez",
        "Isabel Gómez",
        "Tomás Peña",
        "Mariana Ochoa",
        "Rodrigo Salazar",
        "Elena Vidal",
        "Nicolás Ibáñez",
        "Carmen Ortiz",
        "Pablo Medina",
        "Gabriela Ríos",
    ),
)
# Sources, most common first; an absent source is drawn separately.
_SOURCES = (
    ("Agencies", "Wire services", "Local media", "Social media", "Press release"),
    ("وكالات", "وكالات الأنباء", "وسائل إعلام محلية", "مواقع التواصل الاجتماعي", "بيان صحفي"),
    ("Agencias", "Servicios de noticias", "Medios locales", "Redes sociales", "Nota de prensa"),
)
_CREDITS = (
    ("Agencies", "Social media", "Staff photographer", "Handout"),
    ("وكالات", "مواقع التواصل", "مصور الموقع", "صورة موزعة"),
    ("Agencias", "Redes sociales", "Fotógrafo de la redacción", "Imagen cedida"),
)
# Title decorations that stress XML and feed renderers: (prefix, suffix) per language,
# the same index in every language of a story.
_DECORATIONS = (
    (
        ("🔴 LIVE: ", ""),
        ("Q&A: ", ""),
        ("", " — live updates"),
        ("", ' — "a turning point"'),
        ("", " (turnout < 40%)"),
        ("📷 ", ""),
    ),
    (
        ("🔴 عاجل: ", ""),
        ("أسئلة & أجوبة: ", ""),
        ("", " — تحديثات مباشرة"),
        ("", ' — "نقطة تحول"'),
        ("", " (نسبة المشاركة < 40%)"),
        ("📷 ", ""),
    ),
    (
        ("🔴 EN DIRECTO: ", ""),
        ("P&R: ", ""),
        ("", " — última hora"),
        ("", ' — "un punto de inflexión"'),
        ("", " (participación < 40 %)"),
        ("📷 ", ""),
    ),
)
_LINK_TEXT = (
    (
        '<p>The full text of the report is available <a href="%s">on the organisation\'s '
        "website</a>.</p>"
    ),
    '<p>يمكن الاطلاع على النص الكامل للتقرير <a href="%s">على موقع المنظمة</a>.</p>',
    '<p>El texto completo del informe está disponible <a href="%s">en la web de la '
    "organización</a>.</p>",
)
_KEY_POINTS = ("Key points:", "أبرز النقاط:", "Claves:")
_DATELINES = (
    "<p><strong>{city_up}%s—</strong> ",
    "<p><strong>{city}%s-</strong> ",
    "<p><strong>{city}%s—</strong> ",
)
_QUOTE_MARKS = (("“", "”"), ("«", "»"), ("«", "»"))

# What the service must sanitize: markup a CMS (or an attacker with CMS access) can send.
_HOSTILE = (
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">more</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<p onclick="alert(1)" style="position:fixed;top:0">…</p>',
    "<style>body{display:none}</style>",
    "<svg onload=alert(1)></svg>",
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
)
_HOSTILE_FMT = tuple(h.replace("{", "{{").replace("}", "}}") for h in _HOSTILE)
_CONTROL_CHARS = ("\u0001", "\u000b", "\u000c", "\u001f", "\u0008")
_YOUTUBE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

# Sections: weight, template groups their stories draw from.
_SECTIONS = (
    ("politics", 20, ("pol",)),
    ("economy", 10, ("econ",)),
    ("sports", 5, ("sport",)),
    ("arts-culture", 3, ("culture",)),
    ("health", 4, ("health",)),
    ("miscellaneous", 4, ("misc",)),
    ("technology", 3, ("tech",)),
    ("environment", 3, ("env",)),
    ("opinion", 4, ("opinion",)),
    ("analysis", 5, ("opinion", "pol")),
    ("blog", 2, ("opinion", "feature")),
    ("features", 4, ("feature",)),
    ("newsfeed", 8, ("video", "pol", "pol", "env", "misc")),
    ("video-features", 3, ("video", "feature")),
    ("explainers", 2, ("feature", "opinion")),
    ("tv", 3, ("video", "pol")),
    ("digital-series", 1, ("feature", "video")),
    ("infographs", 2, ("infog",)),
    ("in-pictures", 3, ("pics", "pics", "feature")),
)
_VIDEO_SECTIONS = frozenset({"newsfeed", "video-features", "explainers", "tv", "digital-series"})
_PICTURE_SECTIONS = frozenset({"infographs", "in-pictures"})
# Groups without paragraphs of their own borrow these.
_PARAGRAPH_GROUP = {"video": "pol", "pics": "feature", "infog": "econ"}
# Groups without opening paragraphs of their own borrow these.
_LEAD_GROUP = {"video": "pol", "pics": "feature", "infog": "econ"}

_REGIONS = (
    ("mena", 30),
    ("palestine", 16),
    ("europe", 12),
    ("africa", 10),
    ("us-canada", 9),
    ("latin-america", 9),
    ("asia", 8),
    ("asia-pacific", 6),
)
# Coverage collections (running stories): key, weight, regions, lead countries (en names).
_COVERAGE = (
    ("morocco-libya-disasters", 3, ("africa", "mena"), ("Morocco", "Libya")),
    ("gaza-war", 4, ("palestine", "mena"), ("Palestine",)),
    ("ukraine-war", 3, ("europe",), ("Ukraine", "Russia")),
    ("sudan-crisis", 2, ("africa",), ("Sudan",)),
    ("us-elections-2024", 1, ("us-canada",), ("the US",)),
)
# Language sets and their shares: en 85%, ar 70%, es 45%, every story at least one.
_LANGSETS = (
    ((AR, EN, ES), 25),
    ((AR, EN), 35),
    ((EN, ES), 12),
    ((AR, ES), 3),
    ((EN,), 13),
    ((AR,), 7),
    ((ES,), 5),
)
# Which variant a newsroom writes first, by language.
_PRIMARY_WEIGHT = (40, 45, 15)
# Offsets the desks publish with: (seconds, text), weighted per language.
_OFFSETS = (
    (((10800, "+03:00"), 6), ((0, "+00:00"), 4)),
    (((10800, "+03:00"), 9), ((0, "+00:00"), 1)),
    (((-18000, "-05:00"), 4), ((10800, "+03:00"), 4), ((0, "+00:00"), 2)),
)
# Stories per random stream: the unit of work that --jobs spreads over processes.
CHUNK = 1000
_IMAGE_SIZES = ((1200, 675), (1280, 720), (1600, 900), (1024, 768), (800, 600), (1920, 1080))


def _lines(block: str) -> list[list[str]]:
    """Rows of a table block: `|`-separated fields; indented rows belong to the one above."""
    rows: list[list[str]] = []
    for raw in block.strip("\n").splitlines():
        if raw.strip():
            rows.append(["  " if raw.startswith("  ") else "", *raw.strip().split("|")])
    return rows


def _records(block: str) -> list[tuple[str, str | None, tuple[str, str, str]]]:
    """(group, subject, (en, ar, es)) records of a text block."""
    out: list[tuple[str, str | None, dict[str, str]]] = []
    last = ""
    for raw in block.strip("\n").splitlines():
        if not raw.strip():
            continue
        if raw.startswith("@"):
            group, subject = raw[1:].split()
            out.append((group, None if subject == "-" else subject, {}))
        elif raw.startswith(" "):
            out[-1][2][last] += " " + raw.strip()
        else:
            last, _, text = raw.partition(" ")
            out[-1][2][last] = text
    result: list[tuple[str, str | None, tuple[str, str, str]]] = []
    for group, slot, texts in out:
        if sorted(texts) != ["ar", "en", "es"]:
            raise ValueError(f"record {texts} lacks a language")
        result.append((group, slot, (texts["en"], texts["ar"], texts["es"])))
    return result


_AGREEMENT = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")
_LEADING_SLOT = re.compile(r"^([¿¡«“\"']*)\{(\w+)\}")
# Slots whose values start in lower case ("the UN", "el canciller de..."): a
# template that opens with one reads "{org_cap}" instead, filled with a capital.
_CAP_SLOTS = ("off1", "off2", "org", "c1", "c2")
_LOWER_SLOTS = ("eitem", "sector", "disease", "disease_bare", "art", "comp")

# A compiled template: (subject slot, ((en_m, en_f), (ar_m, ar_f), (es_m, es_f))).
Template = tuple[str | None, tuple[tuple[str, str], ...]]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _contract(text: str) -> str:
    """Spanish contractions: de + el = del, a + el = al."""
    return text.replace(" de el ", " del ").replace(" a el ", " al ")


def _capitalized(text: str) -> str:
    match = _LEADING_SLOT.match(text)
    if match is None:
        return text
    if match.group(2) in _LOWER_SLOTS:
        raise ValueError(f"template starts with a lower-case slot: {text!r}")
    if match.group(2) in _CAP_SLOTS:
        return f"{text[: match.end(2)]}_cap{text[match.end(2) :]}"
    return text


def _compile(block: str) -> dict[str, list[Template]]:
    by_group: dict[str, list[Template]] = {}
    for group, subject, (en, ar, es) in _records(block):
        en, es = _capitalized(en), _capitalized(es)
        forms = ((en, en), (_AGREEMENT.sub(r"\1", ar), _AGREEMENT.sub(r"\2", ar)), (es, es))
        by_group.setdefault(group, []).append((subject, forms))
    return by_group


HEADLINES = _compile(_HEADLINES)
SUMMARIES = _compile(_SUMMARIES)
LEADS = _compile(_LEADS)
PARAGRAPHS = _compile(_PARAGRAPHS)
CLOSINGS = _compile(_CLOSINGS)["general"]
CAPTIONS = _compile(_CAPTIONS)["general"]
BULLETS = _compile(_BULLETS)["general"]
QUOTES = _compile(_QUOTES)["general"]
BREAKING = _compile(_BREAKING)["general"]
ALL_TEMPLATES = (
    HEADLINES,
    SUMMARIES,
    LEADS,
    PARAGRAPHS,
    {"closing": CLOSINGS},
    {"caption": CAPTIONS},
    {"bullet": BULLETS},
    {"quote": QUOTES},
    {"breaking": BREAKING},
)


def _triples(block: str) -> list[tuple[str, ...]]:
    return [tuple(row[1:]) for row in _lines(block)]


class _Countries:
    """Country names, Arabic genders, regions, cities and officials, by index."""

    def __init__(self) -> None:
        self.names: tuple[list[str], list[str], list[str]] = ([], [], [])
        self.gender: list[int] = []
        self.regions: list[tuple[str, ...]] = []
        self.heads: list[str] = []
        self.cities: tuple[list[list[str]], list[list[str]], list[list[str]]] = ([], [], [])
        for row in _lines(_COUNTRIES):
            if row[0]:
                for li in range(3):
                    self.cities[li][-1].append(row[1 + li])
                continue
            en, ar, gender, es, region_keys, heads = row[1:]
            self.heads.append(heads)
            for li, name in enumerate((en, ar, es)):
                self.names[li].append(name)
                self.cities[li].append([])
            self.gender.append(1 if gender == "f" else 0)
            self.regions.append(tuple(region_keys.split()))
        self.index = {name: i for i, name in enumerate(self.names[EN])}
        self.by_region: dict[str, list[int]] = {}
        for i, regions in enumerate(self.regions):
            for region in regions:
                self.by_region.setdefault(region, []).append(i)
        self.roles = _lines(_ROLES)
        # officials[li][role][country]: "Morocco's foreign minister", "وزير خارجية المغرب"...
        self.officials: tuple[list[list[str]], ...] = ([], [], [])
        # A country without the office (the UK has no president, the US no prime
        # minister) gets the other head of government, or its foreign minister.
        role_index = {row[1]: i for i, row in enumerate(self.roles)}
        fallback = {
            "president": ("p", "prime minister", "m"),
            "prime minister": ("m", "president", "p"),
        }
        for row in self.roles:
            per_lang: tuple[list[str], list[str], list[str]] = ([], [], [])
            for c, heads in enumerate(self.heads):
                role = row
                if row[1] in fallback and fallback[row[1]][0] not in heads:
                    _, other, needed = fallback[row[1]]
                    role = self.roles[role_index[other if needed in heads else "foreign minister"]]
                en = self.names[EN][c]
                per_lang[EN].append(
                    f"{en} {role[1]}" if en.startswith("the ") else f"{en}'s {role[1]}"
                )
                per_lang[AR].append(f"{role[2]} {self.names[AR][c]}")
                per_lang[ES].append(f"{role[3]} {self.names[ES][c]}")
            for li in range(3):
                self.officials[li].append(per_lang[li])
        self.roles_by_group: dict[str, list[int]] = {}
        for ri, row in enumerate(self.roles):
            for group in row[4].split():
                self.roles_by_group.setdefault(group, []).append(ri)


C = _Countries()
ORGS = [row[1:] for row in _lines(_ORGS)]
ORG_NAMES = tuple([row[li] for row in ORGS] for li in (0, 1, 3))
# Capitalised forms, for templates that open with the slot ("{org_cap} warns...").
NAMES_CAP = tuple([_upper_first(name) for name in C.names[li]] for li in range(3))
OFFICIALS_CAP = tuple(
    [[_upper_first(o) for o in role] for role in C.officials[li]] for li in range(3)
)
ORG_NAMES_CAP = tuple([_upper_first(name) for name in ORG_NAMES[li]] for li in range(3))
ORG_GENDER = [1 if row[2] == "f" else 0 for row in ORGS]
ORGS_BY_GROUP: dict[str, list[int]] = {}
for _i, _row in enumerate(ORGS):
    for _group in _row[4].split():
        ORGS_BY_GROUP.setdefault(_group, []).append(_i)
ECON_ITEMS = _triples(_ECON_ITEMS)
SECTORS = _triples(_SECTORS)
DISEASES = _triples(_DISEASES)
ARTS = _triples(_ARTS)
COMPETITIONS = _triples(_COMPETITIONS)
PEOPLE = _triples(_PEOPLE)
ANALYSTS = _triples(_ANALYSTS)
# Tags per language: topics first (most common first), then countries.
TAGS = tuple(
    [row[li] for row in _triples(_TOPIC_TAGS)]
    + [_upper_first(name.removeprefix("el ").removeprefix("the ")) for name in C.names[li]]
    for li in range(3)
)
N_TOPIC_TAGS = len(_triples(_TOPIC_TAGS))


def _cumulative(weights: Iterable[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


# Zipf-like popularity of topic tags (rank r has weight 1/r) and of bylines.
_TAG_CUM = _cumulative(1.0 / (r + 1) for r in range(N_TOPIC_TAGS))
_TAG_TOTAL = _TAG_CUM[-1]
_AUTHOR_CUM = _cumulative(1.0 / (r + 1) ** 0.8 for r in range(len(_AUTHORS[0])))
_AUTHOR_TOTAL = _AUTHOR_CUM[-1]
_SECTION_CUM = _cumulative(w for _, w, _ in _SECTIONS)
_REGION_CUM = _cumulative(w for _, w in _REGIONS)
_COVERAGE_CUM = _cumulative(w for _, w, _, _ in _COVERAGE)
_LANGSET_CUM = _cumulative(w for _, w in _LANGSETS)
_OFFSET_CUM = tuple(_cumulative(w for _, w in table) for table in _OFFSETS)
_PRIMARY_CUM: dict[tuple[int, ...], list[float]] = {
    langs: _cumulative(_PRIMARY_WEIGHT[li] for li in langs)
    for langs in [*(s for s, _ in _LANGSETS), (AR,), (ES,)]
}
# Variant order in a story: the original first, then the translations.
_ORDERED: dict[tuple[tuple[int, ...], int], tuple[int, ...]] = {
    (langs, primary): (primary, *(li for li in langs if li != primary))
    for langs in _PRIMARY_CUM
    for primary in langs
}


def _count_phrase(li: int, noun: str, n: int) -> str:
    forms = _COUNTED[noun][li]
    if li == AR:
        rest = n % 100
        if n == 1:
            return forms[0]
        if n == 2:
            return forms[1]
        if 3 <= rest <= 10:
            return f"{n} {forms[2]}"
        if 11 <= rest <= 99:
            return f"{n} {forms[3]}"
        return f"{n} {forms[0]}"
    return f"{n} {forms[0] if n == 1 else forms[1]}"


_MAX_COUNT = 1000
COUNTS = {
    noun: tuple([_count_phrase(li, noun, n) for n in range(_MAX_COUNT)] for li in range(3))
    for noun in _COUNTED
}

_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_WORD = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
_FOREIGN = re.compile("[^\x00-\x7f\u0300-\u036f]")
_SLUG_MAX = 80


def slugify(title: str, lang: str) -> str:
    """The URL segment a CMS derives from a headline.

    English and Spanish: ASCII, lowercase, accents folded, words joined by `-`.
    Arabic: the words in Arabic script without diacritics or tatweel, joined by `-`.
    """
    if lang == "ar":
        words = _WORD.findall(_DIACRITICS.sub("", unicodedata.normalize("NFC", title)))
    else:
        if not title.isascii():
            # Punctuation outside ASCII (dashes, quotes) separates words; accents go.
            title = _FOREIGN.sub(" ", unicodedata.normalize("NFKD", title))
            title = title.encode("ascii", "ignore").decode()
        words = _ASCII_WORD.findall(title.lower())
    slug = "-".join(words)
    if len(slug) > _SLUG_MAX:
        cut = slug.rfind("-", 0, _SLUG_MAX + 1)
        slug = slug[:cut] if cut > 0 else slug[:_SLUG_MAX]
    return slug


_DATES: dict[int, str] = {}  # day number -> "YYYY-MM-DD"; one entry per day of the span


def _date(day: int) -> str:
    date = _DATES.get(day)
    if date is None:
        t = time.gmtime(day * DAY)
        date = _DATES[day] = f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
    return date


def _rfc3339(epoch: int, offset: tuple[int, str]) -> str:
    """RFC 3339 local time with its offset, e.g. 2022-03-26T00:10:00+03:00."""
    day, secs = divmod(epoch + offset[0], DAY)
    return f"{_date(day)}T{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}{offset[1]}"


def _add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def render(t: Template, genders: dict[str | None, int], mapping: dict[str, Any], li: int) -> str:
    """One template in language `li`, its Arabic verbs agreeing with its subject."""
    text: str = t[1][li][genders[t[0]]].format_map(mapping)
    return _contract(text) if li == ES else text


class _Generator:
    """One corpus: the random stream, the clock window, and the story counter."""

    def __init__(
        self, stories: int, seed: int, end: datetime, years: float, breaking: int, sample: bool
    ) -> None:
        if end.tzinfo is None or end.utcoffset() is None:
            raise ValueError("end must be timezone-aware")
        if stories < 0 or breaking < 0:
            raise ValueError("stories and breaking must be >= 0")
        if years <= 0:
            raise ValueError("years must be > 0")
        self.stories = stories
        self.breaking = breaking
        self.sample = sample
        self.seed = seed
        self._reseed("plan")
        self.end = int(end.timestamp()) // 60 * 60
        self.far = int(_add_years(end, 10).timestamp()) // 60 * 60
        # Clock window, in days before `end`: 88.6% of stories with a density that grows
        # linearly towards the end, 11% spread over the last 30 days and 0.4% over the
        # last 48 hours; so ~13% fall in the last 30 days and ~1% in the last 48 hours.
        self.span = years * 365.25
        self.w30 = min(30.0, self.span)
        self.w2 = min(2.0, self.span)
        # Recently published stories (id, languages, epoch) that breaking items link to.
        self.recent: deque[tuple[str, tuple[int, ...], int]] = deque(maxlen=2000)
        self.forced: dict[int, str] = {}
        if sample:
            self._plan_sample()

    # -- random helpers (random() only, so the stream is stable across Pythons) --

    def _reseed(self, stream: str) -> None:
        """Each chunk of stories has a stream of its own, so chunks can be made apart."""
        self.rnd = random.Random(f"bench.corpus:{self.seed}:{stream}").random

    def _pick(self, seq: Any) -> Any:
        return seq[int(self.rnd() * len(seq))]

    def _weighted(self, cum: list[float]) -> int:
        return bisect(cum, self.rnd() * cum[-1])

    def _distinct(self, k: int, n: int) -> list[int]:
        chosen: list[int] = []
        seen: set[int] = set()
        while len(chosen) < min(k, n):
            i = int(self.rnd() * n)
            if i not in seen:
                seen.add(i)
                chosen.append(i)
        return chosen

    def _plan_sample(self) -> None:
        """The README demo: every kind of story is there, whatever the random draw."""
        kinds = (
            ["scheduled-far"] * 3
            + ["draft"] * 4
            + ["retracted"] * 4
            + ["ar-only"] * 10
            + ["es-only"] * 10
            + ["hostile"] * 2
        )
        for index, kind in zip(self._distinct(len(kinds), self.stories), kinds, strict=False):
            self.forced[index] = kind

    # -- time --

    def _inverse_cdf(self, u: float) -> float:
        """Days after the window start whose cumulative share of stories is `u`."""
        span, w30, w2 = self.span, self.w30, self.w2
        lin, p30, p2 = 0.886, 0.11, 0.004
        a = lin / (span * span)
        start30, start2 = span - w30, span - w2
        if u <= lin * (start30 / span) ** 2:
            return span * sqrt(u / lin)
        b = p30 / w30
        c = -p30 * start30 / w30
        if u > lin * (start2 / span) ** 2 + p30 * (start2 - start30) / w30:
            b += p2 / w2
            c -= p2 * start2 / w2
        # The root of a*s^2 + b*s + c = u, in the form that avoids cancellation.
        s = 2 * (u - c) / (b + sqrt(b * b + 4 * a * (u - c)))
        return min(max(s, 0.0), span)

    def _epoch(self, days_after_start: float) -> int:
        seconds = (days_after_start - self.span) * DAY
        return min(self.end, int(self.end + seconds) // 60 * 60)

    def _offset(self, li: int) -> tuple[int, str]:
        return _OFFSETS[li][self._weighted(_OFFSET_CUM[li])][0]

    # -- slots --

    def _draw(
        self, group: str, regions: list[str], lead: int | None, epoch: int, offset: tuple[int, str]
    ) -> dict[str, Any]:
        """Language-independent slot values shared by all variants of a story."""
        rnd, pick = self.rnd, self._pick
        if lead is not None:
            c1 = lead
        elif regions:
            c1 = pick(C.by_region[regions[0]])
        else:
            c1 = int(rnd() * len(C.gender))
        pool = C.by_region[regions[1]] if len(regions) > 1 else None
        if pool is None:
            home = C.by_region[C.regions[c1][0]]
            pool = home if len(home) > 1 and rnd() < 0.6 else C.by_region["mena"]
        c2 = pick(pool)
        while c2 == c1:
            c2 = int(rnd() * len(C.gender))
        roles = C.roles_by_group.get(group) or C.roles_by_group["pol"]
        org = pick(ORGS_BY_GROUP.get(group) or ORGS_BY_GROUP["pol"])
        s2 = int(rnd() * 3)
        day = (epoch + offset[0]) // DAY
        return {
            "c1": c1,
            "c2": c2,
            "city": int(rnd() * len(C.cities[EN][c1])),
            "city2": int(rnd() * len(C.cities[EN][c2])),
            "role1": pick(roles),
            "role2": pick(roles),
            "org": org,
            "nk": 3 + int(rnd() * rnd() * 90),
            "ni": 5 + int(rnd() * 140),
            "nd": 3 + int(rnd() * 40),
            "ndays": 3 + int(rnd() * 25),
            "ncases": 12 + int(rnd() * 900),
            "nartists": 8 + int(rnd() * 120),
            "big": (5 + int(rnd() * rnd() * 900)) * 100,
            "pct": 0.5 + int(rnd() * rnd() * 200) / 10,
            "money": 0.1 + int(rnd() * rnd() * 300) / 10,
            "mag": 4.0 + int(rnd() * 36) / 10,
            "temp": 41 + int(rnd() * 10),
            "wd": (day + 3) % 7,  # 1 January 1970 was a Thursday
            "nextyear": int(_date(day)[:4]) + 1,
            "person": int(rnd() * len(PEOPLE)),
            "analyst": int(rnd() * len(ANALYSTS)),
            "s1": s2 + 1 + int(rnd() * 3),
            "s2": s2,
            "eitem": int(rnd() * len(ECON_ITEMS)),
            "sector": int(rnd() * len(SECTORS)),
            "disease": int(rnd() * len(DISEASES)),
            "art": int(rnd() * len(ARTS)),
            "comp": int(rnd() * len(COMPETITIONS)),
            # Arabic agreement: the grammatical gender of each possible subject.
            "genders": {None: 0, "c1": C.gender[c1], "c2": C.gender[c2], "org": ORG_GENDER[org]},
        }

    @staticmethod
    def _mapping(d: dict[str, Any], li: int) -> dict[str, Any]:
        """The slot values of draw `d`, written in language `li`."""
        c1, c2 = d["c1"], d["c2"]
        names = C.names[li]
        pct, mag, big, bn = d["pct"], d["mag"], d["big"], d["money"]
        if li == EN:
            pct_s, mag_s, big_s = f"{pct:.1f}", f"{mag:.1f}", f"{big:,}"
            money = f"${int(bn * 1000)} million" if bn < 1 else f"${bn:.1f} billion"
        elif li == ES:
            pct_s, mag_s = f"{pct:.1f}".replace(".", ","), f"{mag:.1f}".replace(".", ",")
            big_s = f"{big:,}".replace(",", ".")
            money = f"{int(bn * 1000):,} millones de dólares".replace(",", ".")
        else:
            pct_s, mag_s, big_s = f"{pct:.1f}", f"{mag:.1f}", str(big)
            money = f"{int(bn * 1000)} مليون دولار" if bn < 1 else f"{bn:.1f} مليار دولار"
        disease = DISEASES[d["disease"]]
        city = C.cities[li][c1][d["city"]]
        mapping = {
            "c1": names[c1],
            "c2": names[c2],
            "city": city,
            "city2": C.cities[li][c2][d["city2"]],
            "off1": C.officials[li][d["role1"]][c1],
            "off2": C.officials[li][d["role2"]][c2],
            "org": ORG_NAMES[li][d["org"]],
            "nk": d["nk"],
            "ni": d["ni"],
            "nd": d["nd"],
            "killed": COUNTS["killed"][li][d["nk"]],
            "injured": COUNTS["injured"][li][d["ni"]],
            "detainees": COUNTS["detainees"][li][d["nd"]],
            "days": COUNTS["days"][li][d["ndays"]],
            "cases": COUNTS["cases"][li][d["ncases"]],
            "artists": COUNTS["artists"][li][d["nartists"]],
            "big": big_s,
            "pct": pct_s,
            "mag": mag_s,
            "temp": d["temp"],
            "money": money,
            "wd": _WEEKDAYS[li][d["wd"]],
            "nextyear": d["nextyear"],
            "person": PEOPLE[d["person"]][li],
            "analyst": ANALYSTS[d["analyst"]][li],
            "s1": d["s1"],
            "s2": d["s2"],
            "eitem": ECON_ITEMS[d["eitem"]][li],
            "sector": SECTORS[d["sector"]][li],
            "disease": disease[li],
            "disease_bare": disease[3] if li == ES else disease[li],
            "art": ARTS[d["art"]][li],
            "comp": COMPETITIONS[d["comp"]][li],
        }
        if li != AR:
            mapping["c1_cap"] = NAMES_CAP[li][c1]
            mapping["c2_cap"] = NAMES_CAP[li][c2]
            mapping["off1_cap"] = OFFICIALS_CAP[li][d["role1"]][c1]
            mapping["off2_cap"] = OFFICIALS_CAP[li][d["role2"]][c2]
            mapping["org_cap"] = ORG_NAMES_CAP[li][d["org"]]
            mapping["city_up"] = city.upper()
        return mapping

    # -- stories --

    def stories_iter(self) -> Iterator[dict[str, Any]]:
        for chunk in range(self.chunks):
            yield from self.chunk_iter(chunk)

    @property
    def chunks(self) -> int:
        return -(-self.stories // CHUNK)

    def chunk_iter(self, chunk: int) -> Iterator[dict[str, Any]]:
        """Stories chunk*CHUNK... : the chunk's share of the quantiles, in order."""
        self._reseed(f"chunk:{chunk}")
        rnd = self.rnd
        n = self.stories
        lo, hi = chunk * CHUNK, min(n, (chunk + 1) * CHUNK)
        u_lo, u_width = lo / n, (hi - lo) / n
        x = 0.0
        for i in range(lo, hi):
            # Ascending order statistics of the chunk's uniforms, drawn one at a time
            # and mapped through the inverse CDF: stories come out in order of time.
            x = 1.0 - (1.0 - x) * rnd() ** (1.0 / (hi - i))
            yield self._story(i, self._epoch(self._inverse_cdf(u_lo + u_width * x)))

    def _story(self, index: int, base: int) -> dict[str, Any]:
        rnd, pick, weighted = self.rnd, self._pick, self._weighted
        forced = self.forced.get(index)
        section, _, groups = _SECTIONS[weighted(_SECTION_CUM)]
        group = pick(groups)

        # Regions and coverage; a coverage topic decides both, and the lead country.
        coverage: list[str] = []
        lead: int | None = None
        if rnd() < 0.08:
            key, _, regions_t, leads = _COVERAGE[weighted(_COVERAGE_CUM)]
            coverage = [key]
            regions = list(regions_t)
            lead = C.index[pick(leads)]
        else:
            r = rnd()
            count = 0 if r < 0.15 else 1 if r < 0.75 else 2
            regions = []
            while len(regions) < count:
                region = _REGIONS[weighted(_REGION_CUM)][0]
                if region not in regions:
                    regions.append(region)

        # Languages, and which one the newsroom wrote first.
        if forced == "ar-only":
            langs: tuple[int, ...] = (AR,)
        elif forced == "es-only":
            langs = (ES,)
        else:
            langs = _LANGSETS[weighted(_LANGSET_CUM)][0]
        weights = _PRIMARY_CUM[langs]
        primary = langs[bisect(weights, rnd() * weights[-1])]

        # Status of the story (one variant may still differ: an unfinished translation).
        r = rnd()
        if forced in ("draft", "retracted"):
            status = forced
        elif forced == "scheduled-far":
            status = "scheduled"
        elif r < 0.015:
            status = "draft"
        elif r < 0.025:
            status = "scheduled"
        elif r < 0.04:
            status = "retracted"
        else:
            status = "published"
        if status == "scheduled":  # embargoed: first publication after `end`
            if forced == "scheduled-far":
                base = self.far + int(rnd() * 72) * 3600
            else:
                base = self.end + (10 + int(rnd() * 14 * 24 * 60)) * 60
        offsets = {
            li: _OFFSETS[li][bisect(_OFFSET_CUM[li], rnd() * _OFFSET_CUM[li][-1])][0]
            for li in langs
        }
        story_id = f"st-{_date((base + offsets[primary][0]) // DAY)}-{index + 1:06d}"

        d = self._draw(group, regions, lead, base, offsets[primary])
        genders = d["genders"]
        head = pick(HEADLINES[group])
        summary_t = pick(SUMMARIES.get(group) or SUMMARIES["pol"])
        caption_t = pick(CAPTIONS)
        plan = self._body_plan(group)
        if forced == "hostile":
            plan["hostile"] = _HOSTILE_FMT[index % len(_HOSTILE_FMT)]
        decoration = int(rnd() * len(_DECORATIONS[0])) if rnd() < 0.03 else -1
        control = (pick(_CONTROL_CHARS), pick(langs), rnd() < 0.5) if rnd() < 0.003 else None
        nfd = rnd() < 0.003
        override_url = rnd() < 0.01
        n_tags = 2 + int(rnd() * 4)
        tags = [N_TOPIC_TAGS + d["c1"]]
        if rnd() < 0.4:
            tags.append(N_TOPIC_TAGS + d["c2"])
        while len(tags) < n_tags:
            t = bisect(_TAG_CUM, rnd() * _TAG_TOTAL)
            if t not in tags:
                tags.append(t)
        folder = _date(base // DAY)[:7].replace("-", "/")
        image: dict[str, Any] | None = None
        credit = 0
        if section in _PICTURE_SECTIONS or rnd() < 0.73:
            width, height = pick(_IMAGE_SIZES)
            image = {
                "url": f"https://media.example.net/images/{folder}/{story_id}.jpg",
                "width": width,
                "height": height,
                "mime": "image/jpeg",
            }
            credit = int(rnd() * len(_CREDITS[0]))
        video: dict[str, Any] | None = None
        if rnd() < (0.55 if section in _VIDEO_SECTIONS else 0.025):
            long_form = section in ("tv", "digital-series", "video-features")
            video = {
                "url": f"https://media.example.net/video/{folder}/{story_id}.mp4",
                "thumbnail_url": f"https://media.example.net/video/{folder}/{story_id}.jpg",
                "duration_s": (300 + int(rnd() * 3000)) if long_form else (20 + int(rnd() * 280)),
                "mime": "video/mp4",
            }

        draft_translation = status == "published" and len(langs) > 1 and rnd() < 0.015
        ordered = _ORDERED[langs, primary]
        variants: dict[str, dict[str, Any]] = {}
        for li in ordered:
            lang = LANGS[li]
            mp = self._mapping(d, li)
            title = head[1][li][genders[head[0]]].format_map(mp)
            summary = summary_t[1][li][genders[summary_t[0]]].format_map(mp)
            body = self._body(plan, genders, mp, li)
            if li == ES:
                title, summary, body = _contract(title), _contract(summary), _contract(body)
            if decoration >= 0:
                prefix, suffix = _DECORATIONS[li][decoration]
                title = prefix + title + suffix
            v: dict[str, Any] = {"title": title, "slug": f"{slugify(title, lang)}-{index + 1}"}
            if rnd() < 0.97:
                v["summary"] = summary
            if rnd() < 0.98:
                v["body_html"] = body
            if rnd() < 0.96:
                first = bisect(_AUTHOR_CUM, rnd() * _AUTHOR_TOTAL)
                authors = [_AUTHORS[li][first]]
                if rnd() < 0.25:
                    second = bisect(_AUTHOR_CUM, rnd() * _AUTHOR_TOTAL)
                    if second != first:
                        authors.append(_AUTHORS[li][second])
                v["authors"] = authors
            r = rnd()
            if r < 0.75:
                v["source"] = _SOURCES[li][0 if r < 0.55 else 1 + int((r - 0.55) * 20)]

            vstatus = status
            if draft_translation and li == ordered[-1]:
                vstatus = "draft"
            published = base
            if li != primary and status != "scheduled":  # translations follow the original
                published = min(base + int(rnd() * rnd() * 240) * 60, max(base, self.end))
            if vstatus != "published":
                v["status"] = vstatus
            elif rnd() < 0.1:
                v["status"] = "published"
            if vstatus != "draft" or rnd() < 0.5:
                v["published_at"] = _rfc3339(published, offsets[li])
            if vstatus == "retracted" or (vstatus == "published" and rnd() < 0.2):
                updated = min(published + (30 + int(rnd() * 690)) * 60, self.end)
                if updated - published >= 600:
                    v["updated_at"] = _rfc3339(updated, offsets[li])
            if rnd() < 0.97:
                v["tags"] = [TAGS[li][t] for t in tags]
            if image is not None:
                caption = render(caption_t, genders, mp, li)
                v["image"] = {
                    "url": image["url"],
                    "caption": caption,
                    "credit": _CREDITS[li][credit],
                    "width": image["width"],
                    "height": image["height"],
                    "mime": "image/jpeg",
                }
            if video is not None:
                v["video"] = dict(video)
            if override_url:
                v["url"] = f"https://live.example.net/{lang}/{quote(story_id)}"
            if nfd and li == ES:  # decomposed accents, as some editors paste them
                v["title"] = unicodedata.normalize("NFD", v["title"])
                if "summary" in v:
                    v["summary"] = unicodedata.normalize("NFD", v["summary"])
            if control is not None and control[1] == li:  # XML forbids these
                field = "title" if control[2] or "summary" not in v else "summary"
                words = v[field].split(" ")
                at = 1 + int(rnd() * max(1, len(words) - 1))
                v[field] = " ".join(words[:at]) + control[0] + " " + " ".join(words[at:])
            variants[lang] = v

        if status == "published":
            self.recent.append((story_id, langs, base))
        story: dict[str, Any] = {"type": "story"} if rnd() >= 0.03 else {}
        story["id"] = story_id
        story["section"] = section
        if regions:
            story["regions"] = regions
        if coverage:
            story["coverage"] = coverage
        story["variants"] = variants
        return story

    def _body_plan(self, group: str) -> dict[str, Any]:
        """Which paragraphs and extras a body has; shared by all its translations."""
        rnd, pick = self.rnd, self._pick
        lead = pick(LEADS.get(_LEAD_GROUP.get(group, group)) or LEADS["pol"])
        pool = PARAGRAPHS.get(_PARAGRAPH_GROUP.get(group, group), []) + PARAGRAPHS["general"]
        count = 2 + int(rnd() * 5)  # plus the lead: 3-7 paragraphs
        chosen: list[Template] = []
        while len(chosen) < count:
            t = pick(pool)
            if t not in chosen:
                chosen.append(t)
        return {
            "lead": lead,
            "paragraphs": chosen,
            "closing": rnd() < 0.15,
            "dateline": ("&nbsp;" if rnd() < 0.5 else " ") if rnd() < 0.25 else None,
            "strong": 3 + int(rnd() * 4) if rnd() < 0.2 else 0,
            "quote": pick(QUOTES) if rnd() < 0.15 else None,
            "bullets": self._distinct(3, len(BULLETS)) if rnd() < 0.08 else None,
            "link": (
                f"https://docs.example.org/reports/{int(rnd() * 10**6):06d}"
                if rnd() < 0.12
                else None
            ),
            "youtube": (
                "".join(pick(_YOUTUBE_ALPHABET) for _ in range(11)) if rnd() < 0.02 else None
            ),
            "hostile": pick(_HOSTILE_FMT) if rnd() < 0.005 else None,
            "at": rnd(),
        }

    @staticmethod
    def _body(
        plan: dict[str, Any], genders: dict[str | None, int], mp: dict[str, Any], li: int
    ) -> str:
        """The body in language `li`: one format string for all of it, filled once."""
        lead = plan["lead"]
        opening = "<p>" if plan["dateline"] is None else _DATELINES[li] % plan["dateline"]
        chunks = [opening + lead[1][li][genders[lead[0]]] + "</p>"]
        strong = plan["strong"]
        for t in plan["paragraphs"]:
            fmt = t[1][li][genders[t[0]]]
            if strong:
                words = fmt.split(" ")
                if strong < len(words):
                    fmt = f"<strong>{' '.join(words[:strong])}</strong> {' '.join(words[strong:])}"
                strong = 0
            chunks.append("<p>" + fmt + "</p>")
        at = 1 + int(plan["at"] * (len(chunks) - 1))
        if plan["quote"] is not None:
            opening_mark, closing_mark = _QUOTE_MARKS[li]
            q = plan["quote"]
            chunks.insert(
                at,
                f"<blockquote><p>{opening_mark}{q[1][li][genders[q[0]]]}"
                f"{closing_mark}</p><p>— {{person}}</p></blockquote>",
            )
        if plan["bullets"] is not None:
            items = "".join(
                f"<li>{BULLETS[b][1][li][genders[BULLETS[b][0]]]}</li>" for b in plan["bullets"]
            )
            chunks.insert(at, f"<p>{_KEY_POINTS[li]}</p><ul>{items}</ul>")
        if plan["youtube"] is not None:
            chunks.insert(
                at,
                (
                    '<iframe width="560" height="315" '
                    f'src="https://www.youtube.com/embed/{plan["youtube"]}" '
                    'title="YouTube video player" frameborder="0" allow="accelerometer; autoplay; '
                    'clipboard-write; encrypted-media; gyroscope; picture-in-picture" '
                    "allowfullscreen></iframe>"
                ),
            )
        if plan["hostile"] is not None:
            chunks.insert(at, plan["hostile"])
        if plan["link"] is not None:
            chunks.append(_LINK_TEXT[li] % plan["link"])
        if plan["closing"]:
            closing = CLOSINGS[0]
            chunks.append(f"<p><em>{closing[1][li][0]}</em></p>")
        return "".join(chunks).format_map(mp)

    # -- breaking news --

    def breaking_iter(self) -> Iterator[dict[str, Any]]:
        self._reseed("breaking")
        for k, role in enumerate(self._breaking_roles()):
            yield self._breaking(k, role)

    def _breaking_roles(self) -> list[str]:
        """Sample mode fixes how many items stay visible, expire and are withdrawn."""
        n = self.breaking
        if not self.sample:
            return ["regular"] * n
        demo = min(n, max(1, round(n / 3)))
        withdrawn = min(n - demo, 2)
        rest = n - demo - withdrawn
        roles = (
            ["demo"] * demo
            + ["withdrawn"] * withdrawn
            + ["expired"] * (rest // 2)
            + ["regular"] * (rest - rest // 2)
        )
        for i in range(len(roles) - 1, 0, -1):  # Fisher-Yates on random() only
            j = int(self.rnd() * (i + 1))
            roles[i], roles[j] = roles[j], roles[i]
        return roles

    def _breaking(self, k: int, role: str) -> dict[str, Any]:
        rnd = self.rnd
        r = rnd()
        li = EN if r < 0.4 else AR if r < 0.8 else ES
        offset = self._offset(li)
        # Mostly the last few days before `end`; some older.
        r = rnd()
        window = 3.0 if r < 0.6 else 30.0 if r < 0.85 else self.span
        if role == "demo":
            li = (EN, AR, ES)[k % 3]  # the kept-alive items speak every language
            offset = _OFFSETS[li][0][0]
            window = 1.0
        elif role == "expired":
            window = 7.0
        published = self.end - int(rnd() * min(window, self.span) * DAY) // 60 * 60
        if role == "expired":  # expires within hours, well before `end`
            published = min(published, self.end - DAY)
        story_id = None
        if self.recent and role != "expired" and rnd() < 0.3:
            for _ in range(8):
                sid, langs, epoch = self.recent[int(rnd() * len(self.recent))]
                if li in langs and (role != "demo" or epoch > self.end - DAY):
                    # The ticker line comes first, the story minutes later.
                    story_id = sid
                    published = max(0, epoch - int(rnd() * 60) * 60)
                    break
        d = self._draw("pol", [], None, published, offset)
        item: dict[str, Any] = {
            "type": "breaking",
            "id": f"br-{_date((published + offset[0]) // DAY)}-{k + 1:06d}",
            "lang": LANGS[li],
            "text": render(self._pick(BREAKING), d["genders"], self._mapping(d, li), li),
            "published_at": _rfc3339(published, offset),
        }
        if role == "demo":
            # Kept alive for the demo: the sample is published long after `end`, and
            # its ticker should not be empty then.
            item["expires_at"] = _rfc3339(self.far, offset)
        elif role == "expired":
            item["expires_at"] = _rfc3339(published + (1 + int(rnd() * 12)) * 3600, offset)
        elif role == "regular" and rnd() < 0.4:
            item["expires_at"] = _rfc3339(published + (2 + int(rnd() * 46)) * 3600, offset)
        if story_id is not None:
            item["story_id"] = story_id
        if role == "withdrawn" or (role == "regular" and k % 50 == 17):  # 2%, spread out
            item["withdrawn"] = True
        return item


def generate(
    stories: int,
    *,
    seed: int = 1,
    end: datetime = DEFAULT_END,
    years: float | None = None,
    breaking: int | None = None,
    sample: bool = False,
) -> Iterator[dict[str, Any]]:
    """Yield FORMAT.md objects (dicts): `stories` story objects then breaking items.

    `years` is the span of publication dates before `end` (default 10, or 1 with
    `sample`); `breaking` defaults to max(10, stories // 20), or 30 with `sample`.
    Stories come in order of first publication (scheduled ones carry their future
    embargo time wherever they fall). Memory use does not grow with `stories`.
    """
    gen = _make(stories, seed, end, years, breaking, sample)  # bad arguments fail here
    # Breaking items come second: they link to the stories published last.
    return chain(gen.stories_iter(), gen.breaking_iter())


def _make(
    stories: int, seed: int, end: datetime, years: float | None, breaking: int | None, sample: bool
) -> _Generator:
    if years is None:
        years = 1.0 if sample else 10.0
    if breaking is None:
        breaking = 30 if sample else max(10, stories // 20)
    return _Generator(stories, seed, end, years, breaking, sample)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _ndjson(obj: dict[str, Any]) -> bytes:
    return (_ENCODER.encode(obj) + "\n").encode()


def write(path_or_dash: str | os.PathLike[str], objects: Iterable[dict[str, Any]]) -> int:
    """Write `objects` as NDJSON to a file (atomically) or to stdout (`-`); returns the count."""
    return _write_lines(path_or_dash, (_ndjson(obj) for obj in objects))


def _write_lines(path_or_dash: str | os.PathLike[str], lines: Iterable[bytes]) -> int:
    count = 0
    if str(path_or_dash) == "-":
        out = sys.stdout.buffer
        for line in lines:
            out.write(line)
            count += line.count(b"\n")
        out.flush()
        return count
    path = Path(path_or_dash)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb", buffering=1 << 20) as f:
            for line in lines:
                f.write(line)
                count += line.count(b"\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return count


# Worker side of write_corpus: one generator per process, reused for its chunks.
_worker_gen: dict[tuple[Any, ...], _Generator] = {}


def _encode_chunk(params: tuple[Any, ...], chunk: int) -> tuple[bytes, list[Any]]:
    gen = _worker_gen.get(params)
    if gen is None:
        _worker_gen.clear()
        gen = _worker_gen[params] = _make(*params)
    gen.recent.clear()
    data = b"".join(_ndjson(obj) for obj in gen.chunk_iter(chunk))
    return data, list(gen.recent)


def write_corpus(
    path_or_dash: str | os.PathLike[str],
    stories: int,
    *,
    seed: int = 1,
    end: datetime = DEFAULT_END,
    years: float | None = None,
    breaking: int | None = None,
    sample: bool = False,
    jobs: int = 1,
) -> int:
    """`write(path, generate(...))`, the same bytes, with chunks made by `jobs` processes.

    At most 2 * jobs chunks are in flight, so memory stays bounded.
    """
    params = (stories, seed, end, years, breaking, sample)
    gen = _make(*params)
    if jobs <= 1 or gen.chunks <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return write(
            path_or_dash,
            generate(stories, seed=seed, end=end, years=years, breaking=breaking, sample=sample),
        )

    def lines() -> Iterator[bytes]:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            pending: deque[Any] = deque()
            for chunk in range(gen.chunks):
                pending.append(pool.apply_async(_encode_chunk, (params, chunk)))
                if len(pending) >= 2 * jobs:
                    data, recent = pending.popleft().get()
                    gen.recent.extend(recent)
                    yield data
            while pending:
                data, recent = pending.popleft().get()
                gen.recent.extend(recent)
                yield data
        for item in gen.breaking_iter():
            yield _ndjson(item)

    return _write_lines(path_or_dash, lines())


def _parse_end(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("--end needs a UTC offset, e.g. 2026-11-20T12:00:00Z")
    return moment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.corpus",
        description="Write a deterministic corpus of FORMAT.md stories and breaking items.",
    )
    parser.add_argument("--stories", type=int, required=True, help="number of story objects")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--end",
        type=_parse_end,
        default=DEFAULT_END,
        help="latest publication time, RFC 3339 "
        f"(default {DEFAULT_END.isoformat()}, fixed for reproducibility)",
    )
    parser.add_argument(
        "--years",
        type=float,
        default=None,
        help="span of publication dates before --end (default 10; 1 with --sample)",
    )
    parser.add_argument(
        "--breaking",
        type=int,
        default=None,
        help="number of breaking items (default max(10, stories/20); 30 with --sample)",
    )
    parser.add_argument(
        "--sample",
        action="store_true",
        help="the README sample: one year, a ticker kept alive, every status",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="processes making chunks of stories; the output does not "
        "depend on it (default: up to 4 CPUs)",
    )
    parser.add_argument("--out", required=True, help="output file, or - for stdout")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    count = write_corpus(
        args.out,
        args.stories,
        seed=args.seed,
        end=args.end,
        years=args.years,
        breaking=args.breaking,
        sample=args.sample,
        jobs=args.jobs,
    )
    elapsed = time.perf_counter() - started
    print(
        f"wrote {count} objects ({args.stories} stories) to {args.out} in {elapsed:.1f}s "
        f"({args.stories / max(elapsed, 1e-9):,.0f} stories/s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
