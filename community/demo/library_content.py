"""The demo library's content: what the publications say, and their PDF files.

Pure data and PDF generation (fpdf2, core font Helvetica, latin-1 text); no database, no
Flask. ``documents()`` returns the demo library: the eight issues of the magazine
*Ciudadanía Activa* (numbers 1-5 in print, then three digital editions numbered 6-8), the
*Manual de Visibilidad* in chapters, a dozen training guides and presentations on the themes
of the DGPS training programme, and the draft *Iniciativa de Ley de Fomento*.

Every page of every PDF is laid out here, as data, before anything is drawn: a page holds a
few blocks of text sized to fit it, so the real page of each article or chapter
(``DemoPart.first_page`` / ``last_page``, 1-based) is known without rendering, and
``DemoDocument.pdf()`` only draws the pages. The text is assembled from topic sentences and
generic sentences by a ``random.Random`` seeded with the document's slug, so every run gives
the same text and, with the fixed creation date, the same bytes.

Authors are fictional and every document says so ("Autores ficticios para datos de
demostración"); the universities named as affiliations are real institutions that took part
in the programme, but no person named here exists. Each document carries a few distinctive
phrases (``DemoDocument.phrases``, ``DemoPart.phrase``) that appear only in its body text, so
tests can look for "a phrase found only inside this article".

``scale_text(rng, pages)`` gives plausible page texts from the same vocabulary for the
scale benchmark data, without building any PDF.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache

from fpdf import FPDF

PUBLISHER = ("Dirección General de Participación Social, Secretaría General de Gobierno "
             "del Estado de México")
FICTIONAL_NOTE = ("Autores ficticios para datos de demostración: las personas autoras, "
                  "editoras y ponentes de este documento son inventadas; las afiliaciones "
                  "institucionales son ilustrativas.")
CREATION_DATE = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)

SUBJECTS: tuple[tuple[str, str], ...] = (
    ("gerencia-fortalecimiento", "Gerencia y fortalecimiento de la organización"),
    ("reforma-fiscal", "Reforma fiscal y aspectos contables"),
    ("marketing-social", "Marketing social"),
    ("procuracion-fondos", "Procuración de fondos"),
    ("marco-logico", "Marco lógico de cooperación internacional"),
    ("sociedad-civil-paz", "Sociedad civil para la paz"),
    ("visibilidad", "Visibilidad y comunicación"),
    ("marco-legal", "Marco legal de las OSC"),
    ("participacion-ciudadana", "Participación ciudadana"),
)

SERIES = (
    "ciudadania-activa",
    "Ciudadanía Activa",
    "Revista especializada del tercer sector, editada por la Dirección General de "
    "Participación Social para fortalecer y mantener actualizado el conocimiento de las "
    "asociaciones civiles, con trabajos de investigadores, especialistas y personas expertas "
    "de instituciones académicas. Cinco números impresos y tres ediciones digitales.",
    PUBLISHER,
)

MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
          "septiembre", "octubre", "noviembre", "diciembre")

# --------------------------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCreator:
    name: str
    affiliation: str


@dataclass(frozen=True)
class DemoPart:
    """An article of an issue or a chapter of the manual; pages are 1-based, inclusive."""

    title: str
    creators: tuple[DemoCreator, ...]
    first_page: int
    last_page: int
    description: str
    subjects: tuple[str, ...]
    areas: tuple[str, ...]
    phrase: str = ""  # occurs only in this part's body text, within its pages


Block = tuple[str, str, str]  # (style, text, aux)


@dataclass(frozen=True)
class _Page:
    landscape: bool
    header: str
    footer: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class DemoDocument:
    slug: str
    kind: str  # issue | manual | guide | presentation | normative
    title: str
    description: str
    issued: date
    creators: tuple[DemoCreator, ...]
    subjects: tuple[str, ...]
    areas: tuple[str, ...]
    rights: str
    access: str
    publisher: str
    identifier: str
    language: str
    issue_number: int | None
    issue_format: str | None
    parts: tuple[DemoPart, ...]
    phrases: tuple[str, ...]  # each occurs only in this document's body text
    pages: tuple[_Page, ...] = field(default=(), repr=False, compare=False)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def pdf(self) -> bytes:
        """The PDF file (built once per process)."""
        if self.slug not in _PDF_CACHE:
            _PDF_CACHE[self.slug] = _render(self)
        return _PDF_CACHE[self.slug]


_PDF_CACHE: dict[str, bytes] = {}

# --------------------------------------------------------------------------------------------
# Vocabulary: topics (what a text is about) and generic sentences of the third sector
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Topic:
    noun: str  # used inside generic sentences: "... y {tema} aparece ..."
    subjects: tuple[str, ...]
    areas: tuple[str, ...]
    claims: tuple[str, ...]


TOPICS: dict[str, _Topic] = {
    "gerencia": _Topic("la gerencia de la organización", ("gerencia-fortalecimiento",), ("XVI",), (
        "Una planeación estratégica útil cabe en pocas páginas: misión, objetivos a tres años, "
        "metas anuales y responsables con nombre y fecha.",
        "La mesa directiva no debería ocuparse de la operación diaria, sino de vigilar que la "
        "organización cumpla su objeto social y administre bien sus recursos.",
        "Los manuales de procedimientos evitan que cada relevo en la coordinación obligue a "
        "reinventar la forma de trabajar.",
        "El autodiagnóstico institucional permite ubicar a la organización en etapas de "
        "desarrollo: arranque, consolidación y madurez.",
        "Separar las cuentas personales de las cuentas de la asociación es la primera regla de "
        "una administración sana.",
        "Las reuniones de consejo con orden del día, acta y acuerdos numerados facilitan el "
        "seguimiento y dan certeza a quienes donan.",
        "El relevo generacional se prepara con tiempo: formar a personas jóvenes en puestos de "
        "responsabilidad asegura la continuidad de la causa.",
        "Un tablero sencillo de indicadores, revisado cada trimestre, ayuda a decidir qué "
        "programas crecen y cuáles deben ajustarse.",
        "La gestión del talento incluye reconocer el trabajo del personal remunerado y del "
        "voluntario, con funciones claras y evaluaciones periódicas.",
        "El fortalecimiento institucional no termina con la constitución legal: apenas empieza "
        "cuando la asociación obtiene su acta protocolizada.",
    )),
    "fiscal": _Topic("el cumplimiento fiscal", ("reforma-fiscal",), ("XVI",), (
        "Las asociaciones civiles tributan en el régimen de personas morales con fines no "
        "lucrativos y deben presentar su declaración anual aunque no tengan remanente.",
        "La contabilidad electrónica obliga a llevar registros ordenados y a conservar los "
        "comprobantes fiscales digitales de cada ingreso y cada gasto.",
        "Emitir el comprobante fiscal por cada donativo recibido es indispensable para que la "
        "persona donante pueda deducirlo.",
        "Los gastos de administración tienen un límite respecto de los donativos recibidos, "
        "por lo que conviene planear el presupuesto con esa proporción en mente.",
        "Un remanente distribuible ficto puede surgir de gastos no deducibles o de erogaciones "
        "sin comprobante, y tiene consecuencias fiscales para la organización.",
        "Las reformas fiscales recientes han endurecido los requisitos de transparencia y han "
        "acortado los plazos para actualizar la información ante la autoridad.",
        "Contratar a una persona contadora con experiencia en el sector no lucrativo suele "
        "costar menos que corregir errores acumulados durante años.",
        "La conciliación bancaria mensual permite detectar a tiempo depósitos sin identificar y "
        "pagos duplicados.",
        "Los pagos al personal deben cumplir con las obligaciones de retención y de seguridad "
        "social, aun cuando se trate de proyectos temporales.",
        "El buzón tributario es hoy el principal canal de comunicación con la autoridad fiscal, "
        "y revisarlo con regularidad evita multas por notificaciones no atendidas.",
    )),
    "marketing": _Topic("el marketing social", ("marketing-social",), ("XVI",), (
        "El marketing social aplica las herramientas de la mercadotecnia para cambiar "
        "conductas en favor del bienestar colectivo, no para vender un producto.",
        "Segmentar a los públicos permite hablarle distinto a quien dona, a quien se beneficia "
        "y a quien toma decisiones públicas.",
        "Una campaña necesita un objetivo de conducta concreto: que más familias separen sus "
        "residuos, que más jóvenes se inscriban como voluntarios o que más vecinos asistan a "
        "una asamblea.",
        "Las historias de personas concretas conmueven más que las estadísticas, siempre que "
        "se cuenten con su consentimiento y respetando su dignidad.",
        "El precio, en marketing social, es el esfuerzo que se pide a las personas: tiempo, "
        "hábitos que cambiar o incomodidades que aceptar.",
        "Las alianzas con empresas socialmente responsables amplían el alcance de una campaña, "
        "pero deben cuidarse los conflictos de interés.",
        "Probar un mensaje con un grupo pequeño antes de difundirlo evita gastar el presupuesto "
        "en una idea que nadie entiende.",
        "Medir el cambio de conducta, y no solo el número de personas alcanzadas, distingue a "
        "una campaña eficaz de una campaña vistosa.",
        "El posicionamiento de una causa se construye con constancia: los mismos colores, el "
        "mismo tono y la misma promesa durante años.",
        "Los eventos comunitarios siguen siendo una de las herramientas más eficaces para "
        "convocar, sobre todo en localidades con poca conectividad.",
    )),
    "fondos": _Topic("la procuración de fondos", ("procuracion-fondos",), ("XVI", "XIV"), (
        "Diversificar las fuentes de ingreso protege a la organización cuando una convocatoria "
        "se cancela o un donante cambia de prioridades.",
        "Un plan anual de procuración de fondos define metas por fuente: donativos "
        "individuales, empresas, fundaciones, convocatorias públicas y actividades propias.",
        "La persona donante recurrente vale más que la donación única: cuesta menos "
        "conservarla que conseguir una nueva.",
        "Agradecer en menos de una semana y con un informe de uso de los recursos es la mejor "
        "inversión para la siguiente solicitud.",
        "Las actividades generadoras de ingresos, como la venta de servicios o productos, "
        "deben estar alineadas con el objeto social y respetar los límites fiscales.",
        "Una base de datos de contactos, aunque sea una hoja de cálculo bien cuidada, es el "
        "activo más valioso del área de procuración.",
        "Las convocatorias de coinversión social exigen aportaciones de la propia "
        "organización, por lo que conviene ahorrar con anticipación para cubrirlas.",
        "El financiamiento colectivo en línea funciona mejor con metas pequeñas, plazos cortos "
        "y recompensas simbólicas para quienes participan.",
        "Pedir es una habilidad que se aprende: preparar el argumento, conocer al interlocutor "
        "y proponer una cantidad concreta.",
        "Los fondos patrimoniales, aunque modestos al principio, dan estabilidad a largo plazo "
        "a las organizaciones que logran constituirlos.",
    )),
    "marcologico": _Topic("la metodología de marco lógico", ("marco-logico",), ("VIII", "XVI"), (
        "El árbol de problemas ayuda a distinguir las causas de los efectos y evita proponer "
        "soluciones a síntomas.",
        "La matriz de marco lógico resume en una sola hoja el fin, el propósito, los "
        "componentes y las actividades de un proyecto.",
        "Cada nivel de la matriz necesita indicadores verificables y medios de verificación "
        "que cualquier persona externa pueda consultar.",
        "Los supuestos son los riesgos que escapan al control del proyecto y deben vigilarse "
        "durante toda su ejecución.",
        "Las agencias de cooperación internacional suelen pedir la matriz como requisito, pero "
        "su mayor utilidad es ordenar el pensamiento del propio equipo.",
        "El análisis de involucrados identifica quién gana, quién pierde y quién puede bloquear "
        "un proyecto antes de que comience.",
        "Una línea base levantada al inicio es indispensable para demostrar, al cierre, que el "
        "cambio ocurrió.",
        "Los proyectos de cooperación descentralizada entre gobiernos locales abren "
        "oportunidades para OSC que trabajan en el territorio.",
        "El presupuesto debe derivarse de las actividades de la matriz, y no al revés.",
        "Las evaluaciones intermedias permiten corregir el rumbo sin esperar al informe final.",
    )),
    "paz": _Topic("la construcción de paz", ("sociedad-civil-paz",), ("XVIII", "IX"), (
        "La mediación comunitaria ofrece a vecinas y vecinos un espacio para resolver "
        "conflictos sin recurrir a la violencia ni a largos procesos judiciales.",
        "Recuperar un espacio público, como una cancha o un parque, suele ser el primer paso "
        "para reconstruir la confianza entre vecinos.",
        "La cultura de paz se enseña desde la infancia: juegos cooperativos, asambleas "
        "escolares y acuerdos de convivencia.",
        "Las organizaciones que acompañan a víctimas necesitan protocolos de cuidado para su "
        "propio personal, expuesto a historias de dolor.",
        "El tejido social se fortalece cuando las personas se conocen por su nombre y saben a "
        "quién acudir en caso de necesidad.",
        "Los círculos de diálogo reúnen a personas con posiciones opuestas bajo reglas claras "
        "de escucha y respeto.",
        "La prevención de la violencia requiere coordinación entre escuelas, centros de salud, "
        "autoridades municipales y organizaciones civiles.",
        "Las juventudes no son solo un grupo en riesgo: son protagonistas de muchas de las "
        "iniciativas de paz más creativas.",
        "Documentar los acuerdos alcanzados en una mediación y darles seguimiento evita que el "
        "conflicto reaparezca meses después.",
        "La seguridad ciudadana se construye también con alumbrado, transporte digno y "
        "actividades culturales en las colonias.",
    )),
    "visibilidad": _Topic("la visibilidad de las organizaciones",
                          ("visibilidad", "marketing-social"), ("XVI",), (
        "Una organización invisible no existe para quienes podrían apoyarla, aunque haga un "
        "trabajo extraordinario.",
        "La identidad gráfica, con un logotipo sencillo y una paleta de colores estable, hace "
        "reconocible a la organización en cualquier medio.",
        "Los mensajes clave deben poder repetirse en una frase: qué hacemos, para quién y por "
        "qué importa.",
        "Las redes sociales exigen constancia más que presupuesto; un calendario editorial "
        "mensual ayuda a publicar con regularidad.",
        "Un sitio web básico, con la misión, los programas, el informe anual y los datos de "
        "contacto, da credibilidad ante donantes y autoridades.",
        "La relación con periodistas se cultiva con información oportuna y verificable, no "
        "solo con boletines cuando hay un evento.",
        "Las fotografías de las actividades deben contar con el consentimiento de las personas "
        "retratadas, especialmente si se trata de niñas, niños o adolescentes.",
        "El informe anual es una herramienta de comunicación tanto como un ejercicio de "
        "rendición de cuentas.",
        "Los voceros de la organización necesitan preparación: datos a la mano, ejemplos "
        "concretos y respeto por los límites de lo que pueden afirmar.",
        "La visibilidad también se construye en red: compartir los logros de organizaciones "
        "aliadas fortalece al sector completo.",
    )),
    "marcolegal": _Topic("el marco legal de las organizaciones", ("marco-legal",), ("XVI", "III"), (
        "La Ley Federal de Fomento a las Actividades Realizadas por Organizaciones de la "
        "Sociedad Civil reconoce derechos y obligaciones para las organizaciones inscritas en "
        "el registro federal.",
        "Una ley estatal de fomento daría certeza jurídica a la relación entre el gobierno y "
        "las organizaciones que trabajan en la entidad.",
        "El acta constitutiva define el objeto social, los órganos de gobierno y las reglas de "
        "disolución; redactarla con cuidado evita problemas futuros.",
        "Los estatutos deben actualizarse cuando la organización cambia de actividades, para "
        "que su objeto social corresponda a lo que realmente hace.",
        "El derecho a participar en los órganos de consulta de la administración pública es "
        "uno de los reconocimientos más relevantes de la legislación de fomento.",
        "Las obligaciones de las organizaciones incluyen mantener actualizada su información, "
        "presentar informes anuales y destinar los apoyos públicos a su objeto social.",
        "La consulta pública de una iniciativa de ley permite que las propias organizaciones "
        "señalen los requisitos imposibles de cumplir para las más pequeñas.",
        "Los consejos consultivos con participación ciudadana dan seguimiento a las políticas "
        "de fomento y evalúan sus resultados.",
        "Las infracciones y sanciones deben ser proporcionales y garantizar el derecho de "
        "audiencia de la organización.",
        "La armonización entre la legislación federal y la estatal evita duplicar trámites y "
        "registros para las mismas organizaciones.",
    )),
    "participacion": _Topic("la participación ciudadana", ("participacion-ciudadana",), ("III",), (
        "La participación ciudadana no se agota en el voto: incluye la consulta, la "
        "deliberación, la vigilancia y la corresponsabilidad en los asuntos públicos.",
        "Los comités ciudadanos de control y vigilancia revisan que las obras y los programas "
        "sociales se ejecuten conforme a lo prometido.",
        "El presupuesto participativo permite a las colonias decidir el destino de una parte "
        "de los recursos municipales.",
        "Los consejos de participación funcionan mejor cuando sus integrantes reciben "
        "información suficiente y a tiempo para opinar.",
        "Las encuestas ciudadanas sobre la calidad de los servicios dan a la autoridad una "
        "retroalimentación que rara vez obtiene por otros medios.",
        "Las organizaciones civiles actúan como puente entre las demandas de la población y "
        "las instancias que pueden atenderlas.",
        "La gobernanza implica que gobierno y sociedad compartan la definición de los "
        "problemas, no solo la ejecución de las soluciones.",
        "Los espacios de interlocución deben tener reglas claras: quién convoca, cómo se "
        "registran los acuerdos y cómo se informa su cumplimiento.",
        "La participación de las comunidades indígenas requiere consultas en su lengua y con "
        "sus propias formas de organización.",
        "Una ciudadanía activa exige también obligaciones: informarse, deliberar con respeto y "
        "dar seguimiento a los compromisos adquiridos.",
    )),
    "voluntariado": _Topic("el voluntariado",
                           ("participacion-ciudadana", "gerencia-fortalecimiento"),
                           ("III", "VIII"), (
        "El voluntariado organizado necesita una convocatoria clara, una inducción y tareas "
        "acordes con el tiempo disponible de cada persona.",
        "Las personas voluntarias se quedan cuando sienten que su trabajo es útil y que alguien "
        "lo reconoce.",
        "Un acuerdo escrito de voluntariado aclara compromisos, horarios, confidencialidad y "
        "cobertura en caso de accidente.",
        "El voluntariado corporativo puede aportar habilidades profesionales valiosas, como "
        "contabilidad, diseño o asesoría jurídica.",
        "Las y los jóvenes que cumplen su servicio social son una fuente importante de "
        "personas voluntarias para las organizaciones.",
        "Medir las horas de voluntariado permite valorar su aportación económica y "
        "comunicarla en el informe anual.",
        "La rotación de voluntarios se reduce cuando existe una persona responsable de "
        "acompañarlos y resolver sus dudas.",
        "Las brigadas comunitarias muestran que la solidaridad vecinal se activa rápidamente "
        "ante una emergencia.",
        "La capacitación de voluntarios en primeros auxilios y protección civil es una "
        "inversión que protege a todos.",
        "Celebrar el Día Internacional de los Voluntarios es una oportunidad para agradecer y "
        "para convocar a nuevas personas.",
    )),
    "transparencia": _Topic("la transparencia y la rendición de cuentas",
                            ("marco-legal", "gerencia-fortalecimiento"), ("XVI", "III"), (
        "Las donatarias autorizadas deben publicar cada año información sobre el uso y destino "
        "de los donativos recibidos.",
        "Rendir cuentas no es solo cumplir con la autoridad: es responder a las personas "
        "beneficiarias, a quienes donan y a la comunidad.",
        "Un informe anual con estados financieros dictaminados o revisados da confianza a "
        "fundaciones y empresas donantes.",
        "La información sobre salarios, proveedores y conflictos de interés forma parte de las "
        "buenas prácticas de transparencia del sector.",
        "Los recursos públicos recibidos por una organización están sujetos a fiscalización y "
        "deben comprobarse con el mismo rigor que en una dependencia.",
        "Publicar los resultados de los proyectos, incluidos los que no salieron bien, "
        "refuerza la credibilidad de la organización.",
        "Los padrones públicos de organizaciones permiten a la ciudadanía verificar que una "
        "asociación existe y está activa.",
        "La confirmación anual de los datos del registro mantiene vigente la información que "
        "consultan la autoridad y la ciudadanía.",
        "Un código de ética aprobado por la asamblea orienta las decisiones difíciles y "
        "protege a la organización de prácticas indebidas.",
        "La transparencia proactiva consiste en publicar la información antes de que alguien "
        "la solicite.",
    )),
    "registros": _Topic("los registros y autorizaciones de las OSC",
                        ("marco-legal", "reforma-fiscal"), ("XVI",), (
        "La Clave Única de Inscripción al Registro Federal de las OSC, conocida como CLUNI, "
        "permite participar en convocatorias federales de apoyo.",
        "Para solicitar la CLUNI se requiere el acta constitutiva protocolizada, el RFC de la "
        "organización y un objeto social acorde con las actividades de fomento.",
        "La autorización para recibir donativos deducibles de impuestos se tramita ante el SAT "
        "y exige demostrar que la organización realiza actividades autorizadas.",
        "El Registro Social Estatal ante la Secretaría de Desarrollo Social abre la puerta a "
        "programas y apoyos del gobierno del Estado de México.",
        "La constitución de una asociación civil comienza con la asamblea de asociados, la "
        "redacción de estatutos y la firma ante notario público.",
        "El apoyo del Colegio de Notarios del Estado de México ha reducido de forma notable el "
        "costo de la protocolización del acta constitutiva.",
        "Mantener vigente cada registro exige presentar informes anuales en tiempo; perder una "
        "autorización cuesta mucho más que conservarla.",
        "La inscripción en el RFC y la firma electrónica de la organización son requisitos "
        "previos para casi cualquier trámite posterior.",
        "Las asesorías en el propio municipio reducen alrededor de quince días el tiempo que "
        "toma constituir una organización.",
        "Un expediente institucional ordenado, con actas, poderes y constancias, facilita "
        "cualquier trámite de registro o renovación.",
    )),
}

GENERIC = (
    "Las organizaciones de la sociedad civil del Estado de México trabajan hoy en los 125 "
    "municipios de la entidad, y {tema} aparece una y otra vez entre sus preocupaciones.",
    "En los talleres, seminarios y coloquios organizados por la Dirección General de "
    "Participación Social, {tema} ha sido uno de los asuntos con mayor demanda.",
    "Una asociación de {municipio} lo resumió así durante una sesión de asesoría: sin método, "
    "la buena voluntad se agota pronto.",
    "El padrón validado reúne a cerca de dos mil organizaciones activas, y cada una enfrenta "
    "{tema} con recursos y tiempos distintos.",
    "La experiencia acumulada desde {anio} sugiere que ninguna organización resuelve sola "
    "estos retos; la vinculación con otras OSC, con la academia y con el gobierno multiplica "
    "los resultados.",
    "Conviene recordar que más de once mil líderes de organizaciones han pasado por los "
    "programas de capacitación y profesionalización del gobierno estatal.",
    "Quienes asistieron al Congreso Anual del Tercer Sector coincidieron en que {tema} exige "
    "continuidad más que entusiasmo pasajero.",
    "El reto no es menor en municipios como {municipio}, donde las distancias y los costos de "
    "traslado pesan sobre los presupuestos de las organizaciones.",
    "Por ello, acercar la asesoría a los municipios ha reducido tiempos y gastos de las "
    "asociaciones, que ya no tienen que viajar a Toluca para cada trámite.",
    "Las cifras ayudan a dimensionar el fenómeno: desde el inicio del programa se han otorgado "
    "más de cinco mil asesorías y se han constituido cientos de asociaciones civiles.",
    "Un diagnóstico honesto es el primer paso: saber qué se hace bien, qué se hace a medias y "
    "qué todavía no se intenta.",
    "La profesionalización no significa burocratizar la causa, sino darle herramientas para "
    "durar.",
    "Las mesas directivas cambian, pero los procedimientos escritos permanecen y protegen la "
    "memoria de la organización.",
    "En {anio}, un grupo de organizaciones de {municipio} decidió compartir una oficina, un "
    "contador y una agenda de capacitación; el ahorro les permitió ampliar sus programas.",
    "Las alianzas con universidades aportan rigor a la medición y, a cambio, las OSC ofrecen a "
    "estudiantes y docentes un contacto directo con los problemas sociales.",
    "La confianza ciudadana se construye con hechos verificables y se pierde con una sola "
    "promesa incumplida.",
    "La pregunta de fondo es cómo pasar de la acción voluntaria y dispersa a una acción "
    "organizada, medible y sostenible.",
    "Las organizaciones pequeñas, que son mayoría en la entidad, necesitan soluciones "
    "sencillas y de bajo costo en todo lo relacionado con {tema}.",
    "Nada de esto sustituye la responsabilidad del Estado; se trata de sumar capacidades en "
    "beneficio de la población.",
    "El apoyo notarial, que redujo de manera considerable el costo de protocolizar el acta "
    "constitutiva, abrió la puerta a muchas asociaciones nuevas.",
    "Las personas beneficiarias deben estar en el centro: sus opiniones, recogidas mediante "
    "encuestas y reuniones, orientan los ajustes de cada programa.",
    "El aprendizaje organizacional ocurre cuando la experiencia se documenta y se comparte, no "
    "cuando se queda en la memoria de una sola persona.",
    "En {municipio}, por ejemplo, una asociación dedicada a {causa} comenzó con cinco "
    "integrantes y hoy coordina a más de cuarenta personas voluntarias.",
    "Cualquier estrategia debe ajustarse al tamaño y a la etapa de la organización; lo que "
    "funciona para una fundación consolidada puede abrumar a un colectivo que recién se "
    "constituye.",
    "La comunidad en línea de las OSC permite hoy intercambiar materiales, resolver dudas en "
    "los foros y conocer las convocatorias sin costo.",
    "Medir no es un fin en sí mismo: sirve para decidir mejor y para explicar a otros lo que "
    "se ha logrado.",
    "El tercer sector mexiquense es diverso: conviven en él asociaciones de asistencia social, "
    "colectivos ambientales, grupos culturales y organizaciones de defensa de derechos.",
    "Las lecciones de {anio} siguen vigentes: escuchar primero, planear después y evaluar "
    "siempre.",
    "Toda organización debería poder explicar en dos minutos qué problema atiende, a quién "
    "beneficia y cómo sabe que está funcionando.",
    "Los foros de opinión con los sectores público, social, privado y académico mostraron que "
    "hay más coincidencias de las que se suelen suponer.",
    "Para una organización de {municipio} dedicada a {causa}, {tema} no es un asunto "
    "abstracto: de ello depende que el programa siga abierto el próximo año.",
)

OPENERS = (
    "En la práctica, ", "Como se insiste en los talleres, ", "Dicho de otro modo, ",
    "Según la experiencia de las organizaciones mexiquenses, ", "Por otra parte, ",
    "Vale la pena subrayar que ", "Además, ", "En este sentido, ", "No hay que olvidar que ",
    "Desde la perspectiva de quienes asesoran a las OSC, ",
)

CAUSES = (
    "la atención de personas adultas mayores", "la educación ambiental",
    "la prevención de la violencia familiar", "la alimentación de niñas y niños",
    "la inclusión de personas con discapacidad", "la promoción de la lectura",
    "el deporte comunitario", "la salud materna", "la defensa de los derechos de las mujeres",
    "el desarrollo de comunidades indígenas", "la reforestación de zonas de montaña",
)

MUNICIPIOS = (
    "Zinacantepec", "Tenancingo", "Ixtapan de la Sal", "Valle de Bravo", "Atlacomulco",
    "Jilotepec", "Tejupilco", "Texcoco", "Ecatepec de Morelos", "Nezahualcóyotl",
    "Naucalpan de Juárez", "Tlalnepantla de Baz", "Chimalhuacán", "Amecameca",
    "Tenango del Valle", "Lerma", "San Mateo Atenco", "Ocoyoacac", "Xonacatlán", "Temoaya",
    "San Felipe del Progreso", "El Oro", "Ixtlahuaca", "Almoloya de Juárez", "Huixquilucan",
    "Cuautitlán Izcalli", "Tultitlán", "Zumpango", "Tecámac", "Teotihuacan", "Otumba",
    "Tonatico", "Malinalco", "Ocuilan", "Villa Victoria", "Acambay", "Aculco",
    "Coatepec Harinas", "Sultepec", "Luvianos",
)

# Fictional initiatives: "<project> de <municipio>" is a document's distinctive phrase.
PROJECTS = (
    "colectivo Semillas de Paz", "red Manos que Siembran", "comedor comunitario La Esperanza",
    "taller Voces del Nevado", "brigada Agua Limpia", "círculo de lectura Tinta Viva",
    "cooperativa Maíz de Colores", "huerto escolar Raíz Común",
    "observatorio ciudadano Ojo Vecinal", "banco de alimentos Mesa Compartida",
    "escuela de oficios Manos Libres", "casa de día Años Dorados",
    "radio comunitaria Onda Mazahua", "consejo juvenil Nueva Voz", "fondo vecinal Peso a Peso",
    "club deportivo Cancha Abierta", "clínica itinerante Salud en Ruta",
    "red de cuidadoras Hilo Común", "grupo de reforestación Bosque Vivo",
    "mesa de mediación Palabra Justa", "asamblea de mujeres Flor de Durazno",
    "proyecto de traducción Lengua Madre", "cine club Pantalla Barrial",
    "centro de acopio Mano Amiga", "orquesta infantil Notas del Bosque",
    "patrulla ecológica Ajolote Azul", "colectivo de artesanas Barro Vivo",
    "feria de trueque Intercambio Justo", "red de bibliotecas Letras al Paso",
    "programa de tutorías Aprender Juntos",
)

PHRASE_SENTENCES = (
    "Un caso que se comenta a menudo en los talleres es el del {p}, que registró cada etapa "
    "de su trabajo en una bitácora abierta a la comunidad.",
    "La experiencia del {p} muestra que los acuerdos escritos evitan malentendidos cuando "
    "cambia la mesa directiva.",
    "En entrevista, integrantes del {p} explicaron que dedicaron el primer año a escuchar "
    "antes de proponer.",
    "El trabajo del {p} convirtió una reunión mensual abierta en su principal mecanismo de "
    "rendición de cuentas.",
    "Según su coordinadora, el {p} duplicó el número de personas voluntarias después de "
    "publicar sus resultados.",
)

FIRST_NAMES = (
    "Adriana", "Beatriz", "Citlali", "Daniela", "Elena", "Fernanda", "Guadalupe", "Itzel",
    "Julieta", "Lorena", "Mariana", "Nayeli", "Patricia", "Rocío", "Ximena", "Alejandro",
    "Bernardo", "Carlos", "Diego", "Emiliano", "Fausto", "Gerardo", "Héctor", "Joaquín",
    "Leonardo", "Mauricio", "Octavio", "Rodrigo", "Salvador", "Tomás",
)
SURNAMES = (
    "Arriaga", "Becerril", "Cardoso", "Dávila", "Espinosa", "Fuentes", "Garduño", "Hinojosa",
    "Iturbe", "Jaramillo", "Lugo", "Mondragón", "Nava", "Olvera", "Peñaloza", "Quezada",
    "Reyna", "Solís", "Téllez", "Urbina", "Valdés", "Zárate", "Albarrán", "Colín", "Estrada",
)
AFFILIATIONS = (
    "Universidad Nacional Autónoma de México (UNAM)",
    "Universidad Autónoma del Estado de México (UAEMex)",
    "Universidad Anáhuac",
    "Universidad Mexicana en Innovación de Negocios (UMIN)",
    "El Colegio Mexiquense",
    "Consultoría independiente",
    "Dirección General de Participación Social",
)
SECTION_HEADINGS = (
    "Antecedentes", "El contexto mexiquense", "Lo que muestran los talleres",
    "Aprendizajes de campo", "Una propuesta de trabajo", "Retos pendientes",
    "Herramientas prácticas", "Voces de las organizaciones",
)

# --------------------------------------------------------------------------------------------
# Text assembly
# --------------------------------------------------------------------------------------------


class _Writer:
    """Sentences about one topic, drawn from shuffled decks so repeats come late."""

    def __init__(self, rng: random.Random, topic: str):
        self.rng = rng
        self.topic = TOPICS[topic]
        self._claims: list[str] = []
        self._generic: list[str] = []

    def _draw(self, deck: list[str], source: tuple[str, ...]) -> str:
        if not deck:
            deck.extend(source)
            self.rng.shuffle(deck)
        return deck.pop()

    def sentence(self) -> str:
        rng = self.rng
        if rng.random() < 0.55:
            text = self._draw(self._claims, self.topic.claims)
            if rng.random() < 0.35:
                text = rng.choice(OPENERS) + text[0].lower() + text[1:]
            return text
        text = self._draw(self._generic, GENERIC)
        return text.format(tema=self.topic.noun, municipio=rng.choice(MUNICIPIOS),
                           anio=rng.randint(2012, 2024), causa=rng.choice(CAUSES))

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(3, 5)))

    def paragraphs(self, budget: int) -> list[str]:
        """Paragraphs until about ``budget`` characters (never more than budget + 1 para)."""
        out: list[str] = []
        total = 0
        while total < budget:
            para = self.paragraph()
            out.append(para)
            total += len(para)
        return out


def scale_text(rng: random.Random, pages: int) -> list[str]:
    """Plausible Spanish page texts (about 1,500-2,500 characters each) for bulk data."""
    writer = _Writer(rng, rng.choice(tuple(TOPICS)))
    texts = []
    for _ in range(pages):
        target = rng.randint(1500, 2300)
        paras: list[str] = []
        total = 0
        while total < target:
            sentence = writer.sentence()
            if paras and total + len(sentence) > 2500:
                break
            if not paras or rng.random() < 0.25:
                paras.append(sentence)
            else:
                paras[-1] += " " + sentence
            total += len(sentence) + 1
        texts.append("\n\n".join(paras))
    return texts


def _insert_phrase(rng: random.Random, paras: list[str], phrase: str) -> None:
    sentence = rng.choice(PHRASE_SENTENCES).format(p=phrase)
    index = rng.randrange(len(paras))
    paras[index] = paras[index] + " " + sentence


class _Phrases:
    """Hands out distinct '<project> de <municipio>' phrases, in a fixed order."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> str:
        i = self.count
        self.count += 1
        assert i < 120, "pairs repeat after lcm(30, 40)"
        return f"{PROJECTS[i % len(PROJECTS)]} de {MUNICIPIOS[(i * 7) % len(MUNICIPIOS)]}"


def _creators(rng: random.Random, count: int) -> tuple[DemoCreator, ...]:
    people = []
    for _ in range(count):
        name = (f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}")
        people.append(DemoCreator(name, rng.choice(AFFILIATIONS[:5])))
    return tuple(people)


def _byline(creators: tuple[DemoCreator, ...]) -> str:
    return "; ".join(f"{c.name} ({c.affiliation})" for c in creators)


def _month(d: date) -> str:
    return f"{MONTHS[d.month - 1]} de {d.year}"


def _unique(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _body_pages(rng: random.Random, writer: _Writer, count: int, phrase: str,
                first_blocks: list[Block], header: str, footer: str,
                closing: str = "Conclusiones") -> list[_Page]:
    """``count`` pages of prose; the first starts with ``first_blocks``, the phrase goes in the
    middle page, the last ends with a closing section."""
    pages = []
    phrase_page = count // 2 if count > 1 else 0
    headings = list(SECTION_HEADINGS)
    rng.shuffle(headings)
    for n in range(count):
        blocks: list[Block] = list(first_blocks) if n == 0 else []
        if n == 0:
            blocks.append(("h2", "Introducción", ""))
            paras = writer.paragraphs(rng.randint(1600, 2000))
        elif n == count - 1:
            paras = writer.paragraphs(rng.randint(1200, 1700))
        else:
            blocks.append(("h2", headings.pop(), ""))
            paras = writer.paragraphs(rng.randint(2600, 3000))
        if n == phrase_page:
            _insert_phrase(rng, paras, phrase)
        blocks.extend(("p", p, "") for p in paras)
        if n == count - 1:
            blocks.append(("h2", closing, ""))
            blocks.append(("p", writer.paragraph(), ""))
        pages.append(_Page(False, header, footer, tuple(blocks)))
    return pages


# --------------------------------------------------------------------------------------------
# The magazine: eight issues
# --------------------------------------------------------------------------------------------

# (number, format, issued, dossier, editorial lead, articles: (topic, title, focus, extra areas))
ISSUES = (
    (1, "print", date(2019, 3, 15), "Fortalecer para transformar",
     "Este primer número reúne textos sobre lo que necesita una organización para durar.", (
         ("gerencia", "La planeación estratégica en organizaciones pequeñas",
          "Propone una ruta de planeación en cuatro sesiones para asociaciones con menos de "
          "diez integrantes.", ()),
         ("fondos", "Diversificar los ingresos: lecciones de diez asociaciones mexiquenses",
          "Compara las fuentes de ingreso de diez asociaciones y los riesgos de depender de "
          "una sola.", ("XIV",)),
         ("participacion", "Ciudadanía organizada y gobiernos municipales",
          "Analiza cómo se construyen acuerdos entre ayuntamientos y colectivos vecinales.", ()),
         ("marcolegal", "El objeto social: redactarlo bien desde el principio",
          "Explica por qué el objeto social del acta constitutiva condiciona registros y "
          "apoyos posteriores.", ()),
         ("voluntariado", "El voluntariado como escuela de ciudadanía",
          "Recoge testimonios de personas voluntarias sobre lo que aprendieron al servir.",
          ("XIII",)),
     )),
    (2, "print", date(2019, 10, 21), "Cuentas claras",
     "La salud financiera y fiscal de las OSC es el hilo de este número.", (
         ("fiscal", "Personas morales con fines no lucrativos: guía para no perderse",
          "Resume las obligaciones fiscales de una asociación civil y los errores más "
          "frecuentes.", ()),
         ("transparencia", "Rendir cuentas a quien dona y a quien recibe",
          "Distingue la rendición de cuentas a donantes de la que se debe a las personas "
          "beneficiarias.", ()),
         ("fondos", "La persona donante recurrente: cuidar la relación",
          "Describe prácticas de agradecimiento e informe que elevan la permanencia de "
          "donantes.", ()),
         ("gerencia", "Administrar con poco: control interno para asociaciones",
          "Propone controles internos sencillos para organizaciones sin área administrativa.",
          ()),
     )),
    (3, "print", date(2020, 7, 6), "Comunicar el bien común",
     "Comunicar bien es parte del trabajo, no un adorno: de eso trata este número.", (
         ("marketing", "Marketing social: cambiar conductas, no vender productos",
          "Presenta los conceptos básicos del marketing social aplicados a causas "
          "comunitarias.", ("XI",)),
         ("visibilidad", "La identidad gráfica de una OSC",
          "Revisa cómo el nombre, el logotipo y los colores hacen reconocible a una "
          "organización.", ()),
         ("participacion", "Comunicación y participación en tiempos de confinamiento",
          "Relata cómo las organizaciones mantuvieron el contacto con sus comunidades durante "
          "la emergencia sanitaria.", ("XI",)),
         ("voluntariado", "Convocar voluntarios por redes sociales",
          "Analiza convocatorias en línea de voluntariado y su tasa de permanencia.", ()),
         ("paz", "Narrativas de paz en los medios comunitarios",
          "Examina el papel de radios y periódicos comunitarios en la prevención de la "
          "violencia.", ()),
         ("marcologico", "Comunicar resultados con la matriz de marco lógico",
          "Muestra cómo los indicadores de la matriz pueden convertirse en mensajes para el "
          "público.", ()),
     )),
    (4, "print", date(2021, 5, 24), "Paz y comunidad",
     "Las organizaciones que reconstruyen el tejido social tienen la palabra.", (
         ("paz", "Mediación comunitaria: una alternativa al conflicto vecinal",
          "Describe el funcionamiento de una mesa de mediación vecinal y sus resultados.", ()),
         ("participacion", "Recuperar el espacio público con la comunidad",
          "Documenta la recuperación de parques y canchas con participación vecinal.",
          ("X",)),
         ("voluntariado", "Brigadas vecinales ante emergencias",
          "Analiza la organización de brigadas vecinales y su coordinación con protección "
          "civil.", ("XV",)),
         ("gerencia", "Cuidar a quien cuida: bienestar del personal de las OSC",
          "Propone protocolos de autocuidado para equipos que acompañan a víctimas de "
          "violencia.", ("IX",)),
         ("transparencia", "Confianza y transparencia en las organizaciones comunitarias",
          "Relaciona prácticas de transparencia con la confianza que las comunidades otorgan.",
          ()),
     )),
    (5, "print", date(2022, 4, 18), "Hacia una ley de fomento",
     "Acompañamos la discusión de la iniciativa de ley estatal de fomento a las OSC.", (
         ("marcolegal", "Por qué el Estado de México necesita una ley de fomento",
          "Argumenta a favor de un marco jurídico estatal con derechos y obligaciones "
          "recíprocos.", ()),
         ("participacion", "Los foros de consulta de la iniciativa",
          "Sistematiza las propuestas recogidas en los foros con los sectores público, social, "
          "privado y académico.", ()),
         ("registros", "Del acta constitutiva a la CLUNI: el camino de los registros",
          "Ordena los registros federales y estatales que una organización puede obtener.",
          ()),
         ("fiscal", "Estímulos fiscales y fomento: una mirada comparada",
          "Compara los estímulos fiscales al sector no lucrativo en varias entidades.", ()),
         ("transparencia", "Obligaciones de transparencia en la iniciativa",
          "Analiza las obligaciones de información que la iniciativa propone para las OSC.",
          ()),
     )),
    (6, "digital", date(2023, 3, 13), "Cooperación internacional",
     "Primera edición digital, dedicada a la cooperación internacional para el desarrollo.", (
         ("marcologico", "El árbol de problemas paso a paso",
          "Guía la construcción de un árbol de problemas con un ejemplo de desarrollo rural.",
          ("XII",)),
         ("fondos", "Convocatorias de cooperación: cómo leerlas",
          "Explica cómo interpretar requisitos, criterios de evaluación y aportaciones de "
          "contrapartida.", ()),
         ("gerencia", "Alianzas entre organizaciones para proyectos internacionales",
          "Analiza consorcios de OSC que se unieron para acceder a fondos internacionales.",
          ()),
         ("visibilidad", "Visibilidad de los proyectos financiados por la cooperación",
          "Revisa los requisitos de visibilidad que imponen las agencias donantes.", ()),
     )),
    (7, "digital", date(2024, 6, 10), "Las OSC en línea",
     "Segunda edición digital: herramientas en línea para organizaciones de todos los "
     "tamaños.", (
         ("visibilidad", "El sitio web mínimo de una organización",
          "Define los contenidos mínimos de un sitio institucional y su mantenimiento.", ()),
         ("marketing", "Campañas digitales con presupuesto cero",
          "Presenta campañas en redes sociales realizadas sin presupuesto y sus resultados.",
          ()),
         ("participacion", "La red social de las OSC mexiquenses",
          "Describe el uso de la comunidad en línea de organizaciones para foros, eventos y "
          "actualización del registro.", ()),
         ("transparencia", "Publicar el informe anual en línea",
          "Propone una estructura de informe anual pensada para lectura en pantalla.", ()),
         ("voluntariado", "Voluntariado a distancia",
          "Analiza tareas de voluntariado que pueden realizarse en línea.", ("XIII",)),
         ("fondos", "Financiamiento colectivo para causas locales",
          "Revisa campañas de financiamiento colectivo de organizaciones del Estado de México.",
          ("XIV",)),
     )),
    (8, "digital", date(2025, 5, 19), "Una década de profesionalización",
     "Tercera edición digital: un balance de los programas de capacitación.", (
         ("gerencia", "Diez años de capacitación a las OSC: un balance",
          "Revisa la evolución de los programas de capacitación y profesionalización.", ()),
         ("paz", "Sociedad civil para la paz: lo aprendido",
          "Recoge los aprendizajes del eje de sociedad civil para la paz.", ()),
         ("fiscal", "La reforma fiscal vista por las organizaciones",
          "Analiza el efecto de las reformas fiscales sobre las asociaciones pequeñas.", ()),
         ("participacion", "Mujeres al frente de las organizaciones",
          "Documenta el liderazgo de mujeres en las organizaciones de la entidad.", ("VI",)),
         ("marcologico", "Evaluar para aprender: indicadores en proyectos sociales",
          "Propone indicadores sencillos para organizaciones que empiezan a evaluar.", ()),
     )),
)


def _issue(spec, phrases: _Phrases) -> DemoDocument:
    number, fmt, issued, dossier, lead, articles = spec
    digital_n = number - 5
    title = (f"Ciudadanía Activa, núm. {number}" if fmt == "print"
             else f"Ciudadanía Activa, edición digital {digital_n}")
    slug = (f"ciudadania-activa-{number}" if fmt == "print"
            else f"ciudadania-activa-digital-{digital_n}")
    rng = random.Random(slug)
    header = f"{title} | {_month(issued)}"
    editors = _creators(rng, 2)
    editorial_phrase = phrases.next()

    parts: list[DemoPart] = []
    body: list[_Page] = []
    page = 3  # 1 cover, 2 contents
    for topic_key, art_title, focus, extra_areas in articles:
        topic = TOPICS[topic_key]
        authors = _creators(rng, rng.randint(1, 3))
        phrase = phrases.next()
        count = rng.randint(2, 4)
        description = (f"{focus} Artículo del dossier «{dossier}» de la revista Ciudadanía "
                       f"Activa.")
        first = [("kicker", f"Dossier: {dossier}", ""), ("h1", art_title, ""),
                 ("byline", _byline(authors), ""), ("abstract", f"Resumen. {focus}", ""),
                 ("note", "Autoría ficticia para datos de demostración.", "")]
        writer = _Writer(rng, topic_key)
        body += _body_pages(rng, writer, count, phrase, first, header,
                            f"Ciudadanía Activa | {art_title}")
        parts.append(DemoPart(art_title, authors, page, page + count - 1, description,
                              topic.subjects, _unique(topic.areas + extra_areas), phrase))
        page += count

    label = f"Número {number}" if fmt == "print" else f"Edición digital {digital_n}"
    cover = _Page(False, "", "", (
        ("space", "", "30"), ("kickerc", "Revista especializada del tercer sector", ""),
        ("cover", "Ciudadanía Activa", ""), ("h1c", label, ""),
        ("center", _month(issued).capitalize(), ""), ("space", "", "20"),
        ("h2c", f"Dossier: {dossier}", ""), ("space", "", "60"),
        ("center", PUBLISHER, ""),
        ("center", "Edición impresa" if fmt == "print" else "Edición digital", ""),
    ))
    ed_writer = _Writer(rng, articles[0][0])
    editorial = [lead, ed_writer.paragraph()]
    _insert_phrase(rng, editorial, editorial_phrase)
    contents = _Page(False, header, "Contenido", (
        ("h1", "Contenido", ""),
        *(("toc", p.title, str(p.first_page)) for p in parts),
        ("h2", "Editorial", ""),
        *(("p", text, "") for text in editorial),
        ("h2", "Créditos", ""),
        ("small", f"Consejo editorial: {_byline(editors)}.", ""),
        ("small", f"Edita: {PUBLISHER}. Calle José Ma. Arteaga No. 900, Col. Américas, "
                  "C.P. 50130, Toluca, México.", ""),
        ("small", "Licencia Creative Commons Atribución-NoComercial 4.0 Internacional "
                  "(CC BY-NC 4.0).", ""),
        ("small", FICTIONAL_NOTE, ""),
    ))
    subjects = _unique(s for p in parts for s in p.subjects)
    return DemoDocument(
        slug=slug, kind="issue", title=title,
        description=f"{label} de la revista Ciudadanía Activa ({_month(issued)}), dedicado a "
                    f"«{dossier}». {lead}",
        issued=issued, creators=editors, subjects=subjects,
        areas=_unique(a for p in parts for a in p.areas), rights="cc-by-nc-4.0",
        access="public", publisher=PUBLISHER,
        identifier=f"dgps:ciudadania-activa:{number:02d}", language="es",
        issue_number=number, issue_format=fmt, parts=tuple(parts),
        phrases=(editorial_phrase, *(p.phrase for p in parts)),
        pages=(cover, contents, *body),
    )


# --------------------------------------------------------------------------------------------
# The Manual de Visibilidad
# --------------------------------------------------------------------------------------------

CHAPTERS = (
    ("Por qué la visibilidad importa", "visibilidad",
     "Explica por qué una organización que no se da a conocer pierde apoyos, aliados y "
     "voluntarios."),
    ("Identidad institucional: nombre, misión y logotipo", "visibilidad",
     "Orienta la definición de la identidad institucional y su uso coherente."),
    ("Mensajes clave y públicos", "marketing",
     "Propone un método para definir mensajes clave según cada público de la organización."),
    ("Redes sociales y sitio web", "visibilidad",
     "Da recomendaciones para mantener presencia en línea con pocos recursos."),
    ("Relación con los medios de comunicación", "visibilidad",
     "Describe cómo preparar boletines, entrevistas y vocerías."),
    ("La rendición de cuentas como estrategia de comunicación", "transparencia",
     "Muestra cómo el informe anual comunica logros y fortalece la confianza."),
)


def _manual(phrases: _Phrases) -> DemoDocument:
    slug = "manual-de-visibilidad"
    title = "Manual de Visibilidad para Organizaciones de la Sociedad Civil"
    rng = random.Random(slug)
    issued = date(2018, 11, 5)
    authors = _creators(rng, 3)
    own_phrase = phrases.next()
    parts: list[DemoPart] = []
    body: list[_Page] = []
    page = 3
    for n, (ch_title, topic_key, focus) in enumerate(CHAPTERS, start=1):
        phrase = phrases.next()
        count = rng.randint(2, 3)
        first = [("kicker", f"Capítulo {n}", ""), ("h1", ch_title, ""),
                 ("abstract", focus, "")]
        body += _body_pages(rng, _Writer(rng, topic_key), count, phrase, first,
                            "Manual de Visibilidad", f"Capítulo {n}. {ch_title}",
                            closing="Para llevar a la práctica")
        topic = TOPICS[topic_key]
        parts.append(DemoPart(f"Capítulo {n}. {ch_title}", authors, page, page + count - 1,
                              focus, topic.subjects, topic.areas, phrase))
        page += count
    cover = _Page(False, "", "", (
        ("space", "", "40"), ("kickerc", "Material de capacitación", ""),
        ("cover", "Manual de Visibilidad", ""),
        ("h2c", "para Organizaciones de la Sociedad Civil", ""), ("space", "", "20"),
        ("center", _byline(authors), ""), ("space", "", "60"),
        ("center", PUBLISHER, ""), ("center", _month(issued).capitalize(), ""),
    ))
    presentation = ["Este manual orienta a las OSC en programas de mercadotecnia social y de "
                    "promoción y difusión de su objeto social.",
                    _Writer(rng, "visibilidad").paragraph()]
    _insert_phrase(rng, presentation, own_phrase)
    contents = _Page(False, "Manual de Visibilidad", "Contenido", (
        ("h1", "Contenido", ""),
        *(("toc", p.title, str(p.first_page)) for p in parts),
        ("h2", "Presentación", ""),
        *(("p", text, "") for text in presentation),
        ("h2", "Créditos", ""),
        ("small", f"Edita: {PUBLISHER}.", ""),
        ("small", "Licencia Creative Commons Atribución 4.0 Internacional (CC BY 4.0).", ""),
        ("small", FICTIONAL_NOTE, ""),
    ))
    return DemoDocument(
        slug=slug, kind="manual", title=title,
        description="Guía para orientar a las OSC en programas de mercadotecnia social y de "
                    "promoción y difusión de su objeto social, en seis capítulos.",
        issued=issued, creators=authors,
        subjects=_unique(s for p in parts for s in p.subjects),
        areas=_unique(a for p in parts for a in p.areas), rights="cc-by-4.0", access="public",
        publisher=PUBLISHER, identifier="dgps:manual-visibilidad:2018", language="es",
        issue_number=None, issue_format=None, parts=tuple(parts),
        phrases=(own_phrase, *(p.phrase for p in parts)), pages=(cover, contents, *body),
    )


# --------------------------------------------------------------------------------------------
# Training guides and presentations
# --------------------------------------------------------------------------------------------

# (slug, kind, title, topic, description, issued, rights, access, extra areas, sections)
GUIDES = (
    ("gerencia-fortalecimiento-autodiagnostico", "guide",
     "Gerencia y Fortalecimiento de la Organización: guía de autodiagnóstico", "gerencia",
     "Cuestionario y ruta de trabajo para que una OSC evalúe su desarrollo institucional.",
     date(2018, 4, 16), "cc-by-4.0", "public", (),
     ("Cómo usar esta guía", "Gobierno y mesa directiva", "Planeación y seguimiento",
      "Administración y recursos")),
    ("reforma-fiscal-aspectos-contables", "presentation",
     "Reforma Fiscal y Aspectos Contables para asociaciones civiles", "fiscal",
     "Presentación del taller sobre obligaciones fiscales y contabilidad de las personas "
     "morales con fines no lucrativos.",
     date(2019, 2, 11), "cc-by-nc-4.0", "members", (),
     ("Régimen fiscal de las asociaciones", "Comprobantes y donativos",
      "Contabilidad electrónica", "Declaración anual", "Errores frecuentes")),
    ("marketing-social-contar-lo-que-hacemos", "guide",
     "Marketing Social: cómo contar lo que hace tu organización", "marketing",
     "Guía práctica para diseñar una campaña de marketing social con pocos recursos.",
     date(2019, 8, 26), "cc-by-sa-4.0", "public", (),
     ("Del problema a la conducta", "Públicos y mensajes", "Canales y calendario",
      "Medir el cambio", "Ejemplos de campañas")),
    ("procuracion-fondos-plan-anual", "guide",
     "Procuración de Fondos: el plan anual paso a paso", "fondos",
     "Método para elaborar el plan anual de procuración de fondos de una OSC.",
     date(2020, 2, 3), "cc-by-nc-4.0", "members", ("XIV",),
     ("Diagnóstico de ingresos", "Metas por fuente", "Donantes individuales",
      "Empresas y fundaciones", "Convocatorias públicas", "Calendario y seguimiento")),
    ("marco-logico-cooperacion-internacional", "presentation",
     "Marco Lógico de Cooperación Internacional: de la matriz al proyecto", "marcologico",
     "Presentación del taller de diseño de proyectos con la metodología de marco lógico.",
     date(2020, 9, 14), "cc-by-4.0", "public", (),
     ("Análisis de involucrados", "Árbol de problemas", "Árbol de objetivos",
      "Matriz de marco lógico", "Indicadores y supuestos", "Presupuesto")),
    ("sociedad-civil-para-la-paz-mediacion", "guide",
     "Sociedad Civil para la Paz: mediación y convivencia comunitaria", "paz",
     "Guía para organizar espacios de mediación y diálogo en colonias y comunidades.",
     date(2021, 1, 25), "cc-by-sa-4.0", "public", (),
     ("Qué es la mediación comunitaria", "Preparar un círculo de diálogo",
      "Acuerdos y seguimiento")),
    ("registro-federal-cluni", "guide",
     "Cómo obtener la CLUNI: el registro federal de las OSC", "registros",
     "Requisitos y pasos para inscribirse en el Registro Federal de las Organizaciones de la "
     "Sociedad Civil.",
     date(2021, 6, 7), "cc-by-4.0", "public", (),
     ("Quién puede inscribirse", "Documentos necesarios", "La solicitud en línea",
      "Obligaciones después del registro")),
    ("donataria-autorizada", "guide",
     "Donataria autorizada: requisitos y obligaciones ante el SAT", "registros",
     "Qué significa ser donataria autorizada, cómo solicitar la autorización y cómo "
     "conservarla.",
     date(2022, 3, 28), "cc-by-nc-4.0", "public", (),
     ("Qué es una donataria autorizada", "Requisitos de la solicitud",
      "Obligaciones anuales", "Causas de revocación")),
    ("obligaciones-transparencia-osc", "guide",
     "Obligaciones de transparencia de las organizaciones de la sociedad civil",
     "transparencia",
     "Resumen de las obligaciones de información y rendición de cuentas de las OSC.",
     date(2022, 10, 10), "cc-by-4.0", "public", (),
     ("Qué información publicar", "Recursos públicos", "Informe anual")),
    ("constitucion-asociacion-civil", "presentation",
     "Constitución de una asociación civil: del acta constitutiva al Registro Social Estatal",
     "registros",
     "Presentación de la asesoría para constituir y registrar una asociación civil en el "
     "Estado de México.",
     date(2023, 8, 21), "all-rights-reserved", "public", (),
     ("La asamblea constitutiva", "Estatutos y objeto social", "Firma ante notario",
      "RFC y firma electrónica", "Registro Social Estatal")),
    ("voluntariado-convocar-formar-reconocer", "guide",
     "Voluntariado: convocar, formar y reconocer a las personas voluntarias", "voluntariado",
     "Guía para organizar un programa de voluntariado en una OSC.",
     date(2024, 2, 12), "cc-by-sa-4.0", "public", (),
     ("Convocar", "Formar", "Acompañar", "Reconocer")),
    ("participacion-ciudadana-politicas-publicas", "presentation",
     "Participación ciudadana y políticas públicas: los espacios de interlocución",
     "participacion",
     "Presentación sobre los mecanismos de participación de las OSC en las políticas "
     "públicas.",
     date(2025, 4, 7), "cc-by-4.0", "public", (),
     ("Qué es la gobernanza", "Consejos y comités", "Consultas públicas",
      "Seguimiento de acuerdos")),
)


def _guide(spec, phrases: _Phrases) -> DemoDocument:
    slug, kind, title, topic_key, description, issued, rights, access, extra, sections = spec
    rng = random.Random(slug)
    topic = TOPICS[topic_key]
    writer = _Writer(rng, topic_key)
    authors = _creators(rng, rng.randint(1, 2))
    own = (phrases.next(), phrases.next())
    landscape = kind == "presentation"
    label = "Presentación de taller" if landscape else "Guía de capacitación"
    first: list[Block] = [
        ("kicker", label, ""), ("h1", title, ""), ("byline", _byline(authors), ""),
        ("abstract", description, ""), ("small", _month(issued).capitalize(), ""),
        ("small", FICTIONAL_NOTE, ""),
    ]
    if landscape:  # a title slide, then one slide per section with bullets
        pages = [_Page(True, "", title, (("space", "", "25"), *first))]
        for n, section in enumerate(sections):
            bullets = [writer.sentence() for _ in range(rng.randint(3, 4))]
            if n in (0, len(sections) - 1):
                bullets[-1] = rng.choice(PHRASE_SENTENCES).format(p=own[0 if n == 0 else 1])
            pages.append(_Page(True, title, f"{label} | {section}",
                               (("slide", section, ""), *(("sbullet", b, "") for b in bullets))))
    else:
        intro = writer.paragraphs(rng.randint(600, 900))
        _insert_phrase(rng, intro, own[0])
        pages = [_Page(False, "", title, (*first, ("h2", "Presentación", ""),
                                          *(("p", p, "") for p in intro)))]
        for n, section in enumerate(sections):
            paras = writer.paragraphs(rng.randint(1600, 2200))
            if n == len(sections) - 1:
                _insert_phrase(rng, paras, own[1])
            checklist = [writer.sentence() for _ in range(3)]
            pages.append(_Page(False, title, f"{label} | {section}", (
                ("h1", section, ""), *(("p", p, "") for p in paras),
                ("h2", "Lista de verificación", ""), *(("bullet", c, "") for c in checklist),
            )))
    return DemoDocument(
        slug=slug, kind=kind, title=title, description=description, issued=issued,
        creators=authors, subjects=topic.subjects, areas=_unique(topic.areas + extra),
        rights=rights, access=access, publisher=PUBLISHER, identifier=f"dgps:capacitacion:{slug}",
        language="es", issue_number=None, issue_format=None, parts=(), phrases=own,
        pages=tuple(pages),
    )


# --------------------------------------------------------------------------------------------
# The draft Iniciativa de Ley de Fomento
# --------------------------------------------------------------------------------------------

LAW_PHRASES = (
    "Padrón Estatal de Organizaciones Fomentadas",
    "Jornada Estatal de la Acción Ciudadana Organizada",
)

LAW_MOTIVES = (
    "Las organizaciones de la sociedad civil del Estado de México coadyuvan con el gobierno en "
    "la atención de las necesidades de una población que crece y se diversifica. Sin embargo, "
    "la entidad no cuenta con un marco jurídico que especifique los derechos, las obligaciones "
    "y los compromisos tanto de la sociedad civil organizada como del propio Estado.",
    "Para elaborar esta iniciativa se realizaron foros de opinión con los sectores público, "
    "social y privado, con instituciones académicas y de investigación y con colegios de "
    "profesionistas. Sus propuestas se recogen en el articulado que se somete a consulta.",
    "La iniciativa propone reconocer las actividades de fomento, crear un registro único y "
    "confiable, establecer un consejo técnico consultivo con participación ciudadana y "
    "prever estímulos para las organizaciones que cumplan con sus obligaciones de "
    "transparencia.",
)

LAW = (
    ("Capítulo I. Disposiciones generales", (
        "La presente Ley es de orden público e interés social y tiene por objeto fomentar y "
        "fortalecer las actividades que realizan las organizaciones de la sociedad civil en el "
        "Estado de México, así como establecer sus derechos y obligaciones.",
        "Para los efectos de esta Ley se entenderá por organizaciones las agrupaciones "
        "legalmente constituidas, sin fines de lucro ni de proselitismo partidista o "
        "religioso, que realicen alguna de las actividades objeto de fomento.",
        "Son actividades objeto de fomento, entre otras, la asistencia social, la promoción "
        "de la participación ciudadana, la defensa de los derechos humanos, la protección del "
        "ambiente, la promoción de la equidad de género y el fortalecimiento del tejido social.",
        "La aplicación de esta Ley corresponde al Poder Ejecutivo del Estado por conducto de "
        "la Secretaría General de Gobierno, en coordinación con las dependencias y los "
        "municipios en el ámbito de sus competencias.",
    )),
    ("Capítulo II. De los derechos y obligaciones de las organizaciones", (
        "Las organizaciones inscritas en el {p0} tendrán derecho a acceder a los apoyos y "
        "estímulos públicos, a participar en los órganos de consulta de la administración "
        "pública estatal y a recibir asesoría y capacitación.",
        "Las organizaciones tendrán derecho a participar en la planeación, ejecución y "
        "seguimiento de las políticas públicas relacionadas con su objeto social.",
        "Son obligaciones de las organizaciones mantener actualizada su información en el "
        "registro, presentar un informe anual de actividades y destinar los apoyos públicos "
        "exclusivamente a su objeto social.",
        "Las organizaciones que reciban recursos públicos deberán publicar la información "
        "sobre su uso y destino, en los términos que establezca el reglamento.",
    )),
    ("Capítulo III. Del registro", (
        "Se crea el {p0} como instrumento de información pública sobre las organizaciones que "
        "realizan actividades objeto de fomento en la entidad.",
        "La inscripción será gratuita y se resolverá en un plazo no mayor de treinta días "
        "hábiles a partir de la presentación de la solicitud completa.",
        "Las organizaciones confirmarán cada año la vigencia de sus datos; la falta de "
        "confirmación durante dos años consecutivos dará lugar a la suspensión de la "
        "inscripción, previa audiencia.",
    )),
    ("Capítulo IV. Del Consejo Técnico Consultivo", (
        "Se crea el Consejo Técnico Consultivo como órgano de asesoría y consulta, con "
        "participación mayoritaria de representantes de las organizaciones, de instituciones "
        "académicas y de colegios de profesionistas.",
        "El Consejo propondrá lineamientos para el fomento de las actividades de las "
        "organizaciones, evaluará las políticas en la materia y emitirá un informe anual.",
        "Las personas integrantes del Consejo desempeñarán su cargo de manera honorífica y "
        "durarán en él tres años.",
    )),
    ("Capítulo V. De los estímulos y las sanciones", (
        "El Ejecutivo del Estado instituirá la {p1}, en la que se reconocerá públicamente a las "
        "organizaciones que se distingan por su contribución al desarrollo de la entidad.",
        "Los estímulos considerarán apoyos económicos, capacitación, asesoría técnica y "
        "facilidades administrativas, conforme a la disponibilidad presupuestal.",
        "Las infracciones a esta Ley serán sancionadas con apercibimiento, multa o suspensión "
        "de la inscripción en el registro, garantizando en todo caso el derecho de audiencia.",
    )),
)


def _law() -> DemoDocument:
    slug = "iniciativa-ley-fomento-osc"
    title = ("Iniciativa de Ley de Fomento y Fortalecimiento de las Actividades Realizadas "
             "por Organizaciones de la Sociedad Civil del Estado de México")
    issued = date(2017, 9, 25)
    header = "Iniciativa de Ley de Fomento (anteproyecto para consulta)"
    pages = [_Page(False, "", "Exposición de motivos", (
        ("kicker", "Anteproyecto para consulta", ""), ("h1", title, ""),
        ("small", f"{PUBLISHER}. {_month(issued).capitalize()}.", ""),
        ("small", "Documento de trabajo con fines de demostración.", ""),
        ("h2", "Exposición de motivos", ""), *(("p", p, "") for p in LAW_MOTIVES),
    ))]
    blocks: list[Block] = []
    size = 0
    number = 0
    for chapter, articles in LAW:
        chapter_blocks: list[Block] = [("h2", chapter, "")]
        for text in articles:
            number += 1
            text = text.format(p0=LAW_PHRASES[0], p1=LAW_PHRASES[1])
            chapter_blocks.append(("p", f"Artículo {number}. {text}", ""))
        chapter_size = sum(len(b[1]) + 120 for b in chapter_blocks)
        if blocks and size + chapter_size > 2600:
            pages.append(_Page(False, header, "Articulado", tuple(blocks)))
            blocks, size = [], 0
        blocks += chapter_blocks
        size += chapter_size
    blocks += [("h2", "Transitorios", ""),
               ("p", "Primero. La presente Ley entrará en vigor al día siguiente de su "
                     "publicación en el Periódico Oficial Gaceta del Gobierno.", ""),
               ("p", "Segundo. El Ejecutivo expedirá el reglamento de esta Ley en un plazo de "
                     "ciento ochenta días naturales.", "")]
    pages.append(_Page(False, header, "Articulado", tuple(blocks)))
    return DemoDocument(
        slug=slug, kind="normative", title=title,
        description="Anteproyecto de ley estatal elaborado a partir de foros de opinión con los "
                    "sectores público, social, privado y académico, para dar certeza jurídica a "
                    "las organizaciones de la sociedad civil.",
        issued=issued, creators=(), subjects=("marco-legal", "participacion-ciudadana"),
        areas=("XVI", "III"), rights="cc-by-4.0", access="public", publisher=PUBLISHER,
        identifier="dgps:iniciativa-ley-fomento:2017", language="es", issue_number=None,
        issue_format=None, parts=(), phrases=LAW_PHRASES, pages=tuple(pages),
    )


@lru_cache(maxsize=1)
def documents() -> tuple[DemoDocument, ...]:
    """The whole demo library, in a fixed order (issues, manual, guides, law)."""
    phrases = _Phrases()
    docs = [_issue(spec, phrases) for spec in ISSUES]
    docs.append(_manual(phrases))
    docs += [_guide(spec, phrases) for spec in GUIDES]
    docs.append(_law())
    return tuple(docs)


# --------------------------------------------------------------------------------------------
# PDF rendering
# --------------------------------------------------------------------------------------------


class _PDF(FPDF):
    def __init__(self, pages: tuple[_Page, ...]):
        super().__init__(unit="mm", format="A4")
        self.specs = pages
        self.set_margins(20, 22, 20)
        self.set_auto_page_break(True, margin=18)

    def header(self) -> None:
        text = self.specs[self.page_no() - 1].header
        if text:
            self.set_font("Helvetica", "", 8)
            self.set_text_color(110)
            self.set_xy(self.l_margin, 10)
            self.cell(0, 5, text, align="L")
            self.line(self.l_margin, 16, self.w - self.r_margin, 16)
            self.set_text_color(0)
        self.set_y(22)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(110)
        spec = self.specs[self.page_no() - 1]
        label = f"{spec.footer} | " if spec.footer else ""
        self.cell(0, 5, f"{label}{self.page_no()}", align="C")
        self.set_text_color(0)


STYLES = {  # style -> (font style, size, line height, align, space after)
    "kicker": ("B", 9, 5, "L", 2), "cover": ("B", 34, 16, "C", 4),
    "h1": ("B", 16, 7.5, "L", 3), "h2": ("B", 11.5, 6, "L", 1.5), "h2c": ("B", 13, 7, "C", 2),
    "byline": ("I", 10, 5, "L", 2), "abstract": ("I", 9.5, 4.8, "L", 2),
    "note": ("I", 8, 4, "L", 3), "p": ("", 10.5, 5.2, "L", 2.5), "small": ("", 8.5, 4.2, "L", 1.5),
    "center": ("", 11, 6, "C", 1), "bullet": ("", 10.5, 5.4, "L", 1.5),
    "kickerc": ("B", 10, 6, "C", 4), "h1c": ("B", 18, 9, "C", 3),
    "slide": ("B", 22, 11, "L", 6), "sbullet": ("", 15, 7.5, "L", 4),
}


_WIDTHS: dict[tuple[str, float, str], float] = {}


def _width(pdf: FPDF, font: tuple[str, float], word: str) -> float:
    key = (*font, word)
    if key not in _WIDTHS:
        _WIDTHS[key] = pdf.get_string_width(word)
    return _WIDTHS[key]


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Greedy line breaking by words (fpdf2's multi_cell measures each line character by
    character, which made the whole library take ten seconds)."""
    font = (pdf.font_style, pdf.font_size_pt)
    space = _width(pdf, font, " ")
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    for word in text.split():
        w = _width(pdf, font, word)
        if current and used + space + w > width:
            lines.append(" ".join(current))
            current, used = [], 0.0
        used += (space if current else 0.0) + w
        current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines


def _render(doc: DemoDocument) -> bytes:
    pdf = _PDF(doc.pages)
    pdf.set_creation_date(CREATION_DATE)
    pdf.set_title(doc.title)
    pdf.set_author("; ".join(c.name for c in doc.creators) or doc.publisher)
    pdf.set_subject(doc.description)
    pdf.set_keywords(", ".join(doc.subjects))
    pdf.set_creator("Comunidad OSC (datos de demostración)")
    pdf.set_lang("es-MX")
    for page in doc.pages:
        pdf.add_page(orientation="L" if page.landscape else "P")
        for style, text, aux in page.blocks:
            if style == "space":
                pdf.ln(float(aux))
                continue
            if style == "toc":
                pdf.set_font("Helvetica", "", 11)
                top = pdf.get_y()
                for line in _wrap(pdf, text, pdf.epw - 18):
                    pdf.cell(pdf.epw - 18, 6, line, new_x="LMARGIN", new_y="NEXT")
                bottom = pdf.get_y()
                pdf.set_xy(pdf.w - pdf.r_margin - 15, top)
                pdf.cell(15, 6, aux, align="R")
                pdf.set_y(bottom + 1.5)
                continue
            font, size, height, align, after = STYLES[style]
            pdf.set_font("Helvetica", font, size)
            if style in ("kicker", "kickerc", "slide"):
                pdf.set_text_color(150, 40, 60)
            bullet = style in ("bullet", "sbullet")
            indent = 4 if bullet else 0
            text = f"- {text}" if bullet else text
            for line in _wrap(pdf, text, pdf.epw - indent):
                pdf.set_x(pdf.l_margin + indent)
                pdf.cell(pdf.epw - indent, height, line, align="C" if align == "C" else "L",
                         new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0)
            pdf.ln(after)
    return bytes(pdf.output())
